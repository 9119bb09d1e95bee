/*
 * pg_compat.h
 *		Differences between the PostgreSQL major versions quota_ext supports
 *		(15 to 18, README "Supported versions"), in one place.  Include it
 *		right after postgres.h.
 */
#ifndef QX_PG_COMPAT_H
#define QX_PG_COMPAT_H

/* 16 moved VARSIZE, SET_VARSIZE and friends out of postgres.h. */
#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif

/*
 * 18 replaced pg_attribute_noreturn(), written after a declaration, by
 * pg_noreturn, written in front of it (C11 _Noreturn).  Older versions get
 * pg_noreturn as the GCC attribute, which may stand in front as well.
 */
#ifndef pg_noreturn
#define pg_noreturn pg_attribute_noreturn()
#endif

/* 16 renamed SetSingleFuncCall, the set-returning function's tuplestore set-up. */
#if PG_VERSION_NUM < 160000
#define InitMaterializedSRF(fcinfo, flags) SetSingleFuncCall(fcinfo, flags)
#endif

#endif							/* QX_PG_COMPAT_H */
