/*
 * labels.h
 *		The label catalog (labels.c), shared with the segment-change trigger.
 */
#ifndef QX_LABELS_H
#define QX_LABELS_H

#include "postgres.h"

#include "fmgr.h"

#define QX_NLANGS 3				/* the built-in languages: en, ru, bg */

/* A catalog: kinds, each with its codes in rank order. */
typedef struct QxLabelSet QxLabelSet;
typedef struct QxLabelEntry QxLabelEntry;

typedef enum QxLabelsVersion
{
	QX_LABELS_1_2,				/* built in, 1.2's texts: 1.0-1.2's SQL definitions */
	QX_LABELS_1_3_BUILTIN,		/* built in, as this library ships it */
	QX_LABELS_CURRENT			/* built in, merged with quota_label_custom */
} QxLabelsVersion;

/*
 * The catalog a function of the extension (fcinfo: its schema holds the
 * user's table) serves; valid to the end of the transaction.
 */
extern const QxLabelSet *qx_labels(FunctionCallInfo fcinfo, QxLabelsVersion version);
/* The position of a kind, or -1 for an unknown kind. */
extern int	qx_label_kind_find(const QxLabelSet *set, const text *kind);
/* The position of a kind; 22023 for an unknown kind. */
extern int	qx_label_kind(const QxLabelSet *set, const text *kind);
/* "kinetic, rfm, ... and deal_warning", for messages */
extern char *qx_label_kinds_list(const QxLabelSet *set);
/* The entry of code within a kind, or NULL. */
extern const QxLabelEntry *qx_label_entry(const QxLabelSet *set, int kind, const text *code);
/* "up", "down", "same", or NULL when a code is NULL, unknown or has no place. */
extern const char *qx_segment_direction(const QxLabelSet *set, int kind, const text *from_code,
										 const text *to_code, bool rule_1_3);

#endif							/* QX_LABELS_H */
