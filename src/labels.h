/*
 * labels.h
 *		The label catalog (labels.c), shared with the segment-change trigger.
 */
#ifndef QX_LABELS_H
#define QX_LABELS_H

#include "postgres.h"

#define QX_NLANGS 3				/* en, ru, bg */

/* The catalog position of a kind's first code, or -1 for an unknown kind. */
extern int	qx_label_kind_find(const text *kind);
/* The catalog position of a kind's first code; 22023 for an unknown kind. */
extern int	qx_label_kind(const text *kind);
/* The rank of code within the kind (qx_label_kind's result); 0 when unknown. */
extern int	qx_label_rank(int kind, const text *code);
/* "up", "down", "same", or NULL when a code is NULL or unknown. */
extern const char *qx_segment_direction(int kind, const text *from_code, const text *to_code,
										 bool rule_1_3);

#endif							/* QX_LABELS_H */
