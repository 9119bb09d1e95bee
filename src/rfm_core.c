/*
 * rfm_core.c
 *		The RFM core of rfm_summary and rfm_kinetic (see rfm_core.h).
 */
#include "postgres.h"

#include "common/int.h"
#include "libpq/pqformat.h"

#include "rfm_core.h"

const char *
rfm_core_problem(const RfmCore *c, DateADT as_of)
{
	if (c->orders < 0)
		return "orders is negative";
	if (c->orders == 0)
	{
		if (c->first != 0 || c->last != 0 || !qx_money_is_zero(&c->monetary))
			return "an empty state has orders or money";
		return NULL;
	}
	if (c->first > c->last)
		return "first order is after last order";
	if (c->last > as_of)
		return "last order is after as_of";
	return NULL;
}

void
rfm_core_add_count(int64 *a, int64 b, const char *agg)
{
	if (pg_add_s64_overflow(*a, b, a))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: order count out of range", agg)));
}

void
rfm_core_combine(RfmCore *c, const RfmCore *other, MemoryContext ctx, const char *agg)
{
	if (other->orders == 0)
		return;
	if (c->orders == 0)
	{
		c->first = other->first;
		c->last = other->last;
	}
	else
	{
		c->first = Min(c->first, other->first);
		c->last = Max(c->last, other->last);
	}
	rfm_core_add_count(&c->orders, other->orders, agg);
	qx_money_add(&c->monetary, &other->monetary, ctx);
}

void
rfm_core_send(StringInfo buf, const RfmCore *c)
{
	pq_sendint64(buf, c->orders);
	pq_sendint32(buf, c->orders > 0 ? c->first : 0);
	pq_sendint32(buf, c->orders > 0 ? c->last : 0);
	qx_money_send(buf, &c->monetary);
}

void
rfm_core_recv(QxReader *r, RfmCore *c, MemoryContext ctx)
{
	c->orders = qx_get_int64(r);
	c->first = qx_get_date_if(r, "first order", c->orders > 0);
	c->last = qx_get_date_if(r, "last order", c->orders > 0);
	qx_money_recv(r, &c->monetary, ctx, "monetary");
}

void
rfm_core_text_out(StringInfo buf, const RfmCore *c)
{
	appendStringInfo(buf, " orders=" INT64_FORMAT " first=", c->orders);
	qx_append_date_or_none(buf, c->first, c->orders > 0);
	appendStringInfoString(buf, " last=");
	qx_append_date_or_none(buf, c->last, c->orders > 0);
	appendStringInfoString(buf, " monetary=");
	qx_append_money(buf, &c->monetary);
}

void
rfm_core_text_in(QxTextParser *tp, RfmCore *c, MemoryContext ctx)
{
	c->orders = qx_text_int64(tp, "orders", 0, PG_INT64_MAX);
	c->first = qx_text_date_or_none(tp, "first", c->orders > 0);
	c->last = qx_text_date_or_none(tp, "last", c->orders > 0);
	qx_text_money(tp, "monetary", &c->monetary, ctx);
}
