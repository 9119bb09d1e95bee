/*
 * rfm_core.h
 *		The RFM core that rfm_summary and rfm_kinetic both count (README
 *		"Customer aggregates"): orders, first and last order, and the exact
 *		monetary sum of a customer up to as_of.  Each state embeds an RfmCore
 *		and keeps only what is its own (rfm_kinetic: its windows); the core's
 *		check, binary and text forms, combine and transition live here once.
 *
 * Binary form, inside each state's own layout after its parameters:
 *		int64 orders, int32 first_order, int32 last_order, money monetary
 * with first and last 0 when orders is 0 (see state_codec.h for money).
 * Text form: " orders=N first=YYYY-MM-DD|none last=YYYY-MM-DD|none monetary=X".
 */
#ifndef QX_RFM_CORE_H
#define QX_RFM_CORE_H

#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/date.h"

#include "money.h"
#include "state_codec.h"

typedef struct RfmCore
{
	int64		orders;			/* rows counted */
	DateADT		first;			/* valid when orders > 0 */
	DateADT		last;
	QxMoney		monetary;
} RfmCore;

/* An empty core (the rest of a zeroed state is already empty). */
static inline void
rfm_core_init(RfmCore *c)
{
	qx_money_init(&c->monetary);
}

/* One order on day ts (not after as_of) of amount. */
static inline void
rfm_core_add(RfmCore *c, DateADT ts, const QxAmount *amount, MemoryContext ctx)
{
	qx_money_add_amount(&c->monetary, amount, ctx);
	if (c->orders++ == 0)
		c->first = c->last = ts;
	else if (ts < c->first)
		c->first = ts;
	else if (ts > c->last)
		c->last = ts;
}

/* The problem of a decoded core at as_of in words, or NULL. */
extern const char *rfm_core_problem(const RfmCore *c, DateADT as_of);
/*
 * c += other (an empty other adds nothing, not even the scale of its zero
 * money); agg names the aggregate in the order-count overflow error.
 */
extern void rfm_core_combine(RfmCore *c, const RfmCore *other, MemoryContext ctx,
							 const char *agg);
/* An order count added to *a; agg names the aggregate on overflow (22003). */
extern void rfm_core_add_count(int64 *a, int64 b, const char *agg);

extern void rfm_core_send(StringInfo buf, const RfmCore *c);
/* The core from the reader, unchecked (the caller checks the whole state). */
extern void rfm_core_recv(QxReader *r, RfmCore *c, MemoryContext ctx);
/* The core's fields of the keyed text form, each with its leading space. */
extern void rfm_core_text_out(StringInfo buf, const RfmCore *c);
/* The core's fields from the keyed text form, unchecked. */
extern void rfm_core_text_in(QxTextParser *tp, RfmCore *c, MemoryContext ctx);

#endif							/* QX_RFM_CORE_H */
