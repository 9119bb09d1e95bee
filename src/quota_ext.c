/*
 * quota_ext.c
 *		The module: PostgreSQL's magic block, checked when quota_ext.so is
 *		loaded.  Each concept lives in its own file (README "Development").
 */
#include "postgres.h"

#include "fmgr.h"

PG_MODULE_MAGIC;
