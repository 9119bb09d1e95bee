-- quota_ext 1.2 -> 1.3.  A fresh 1.3 runs quota_ext--1.0.sql and the deltas
-- after it (1.0--1.1, 1.1--1.2, 1.2--1.3), as contrib does.  Every section
-- below belongs to one area; each adds objects with CREATE, or changes one
-- with CREATE OR REPLACE / ALTER -- never a DROP of an object a user's view
-- can depend on.
\echo Use "ALTER EXTENSION quota_ext UPDATE TO '1.3'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- Fixes of the second hostile review (issue 19)
-- ---------------------------------------------------------------------------
-- (end of fixes)


-- ---------------------------------------------------------------------------
-- What an update changes (issue 21): a result that changes in 1.3 is reached
-- through a new C symbol named only here, so a database at 1.2 keeps 1.2's
-- results from the same library until ALTER EXTENSION UPDATE (the 1.0-1.2
-- definitions keep their symbols).  Re-declared in place with CREATE OR
-- REPLACE: views over them keep working.
-- ---------------------------------------------------------------------------

-- rfm_kinetic: an empty window's revenue_recent/revenue_prior is 0 at the
-- scale of the customer's amounts (0.00), no longer a bare 0.
CREATE OR REPLACE FUNCTION rfm_kinetic_final(internal)
RETURNS rfm_kinetic
AS 'MODULE_PATHNAME', 'rfm_kinetic_final_1_3'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION rfm_kinetic_state_final(rfm_kinetic_state)
RETURNS rfm_kinetic
AS 'MODULE_PATHNAME', 'rfm_kinetic_state_final_1_3'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
-- (end of what an update changes)


-- ---------------------------------------------------------------------------
-- SPEC §13: the funnel -- stage_funnel, required_activity (issue 22)
-- ---------------------------------------------------------------------------
-- (end of §13)


-- ---------------------------------------------------------------------------
-- SPEC §14: the deal diary -- deal_warnings, flag_deal_warnings (issue 23)
-- ---------------------------------------------------------------------------
-- (end of §14)


-- ---------------------------------------------------------------------------
-- SPEC §15: trusting the probabilities -- win_calibration, isotonic_fit,
-- isotonic_predict, forecast_backtest (issue 24)
-- ---------------------------------------------------------------------------
-- (end of §15)


-- ---------------------------------------------------------------------------
-- SPEC §16: the quarter's shape, the bar and the pay -- booking_rhythm,
-- quota_allocate, quota_capacity, commission, attainment_distribution (issue 25)
-- ---------------------------------------------------------------------------
-- (end of §16)


-- ---------------------------------------------------------------------------
-- SPEC §17: margin and lead load -- price_realization, lead_load,
-- lead_load_trend (issue 26)
-- ---------------------------------------------------------------------------
-- price_realization (src/price_realization.c) ----------------------------
-- The state keeps each deal's discount share (8 bytes a deal, at most 100
-- million deals a group) so that the percentiles equal percentile_cont;
-- the sums are exact.  Aggregates cannot have DEFAULT arguments: cost and
-- discount_floor are overloads with fewer arguments.

CREATE TYPE price_realization AS (
    deals            bigint,
    list_total       numeric,
    net_total        numeric,
    discount_total   numeric,
    realization      float8,
    discount_p50     float8,
    discount_p90     float8,
    margin_total     numeric,
    pocket_margin    float8,
    deals_over_floor bigint
);

COMMENT ON TYPE price_realization IS 'result of price_realization(): deals, exact list/net/discount totals, realisation net/list, median and 90th percentile of the per-deal discount share ((list - net) / list, as percentile_cont), margin net - cost over deals with a cost, pocket margin margin_total / their net, deals discounted beyond the floor';

CREATE TYPE price_realization_state;

CREATE FUNCTION price_realization_state_in(cstring)
RETURNS price_realization_state
AS 'MODULE_PATHNAME', 'price_realization_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_state_in(cstring) IS 'text input of price_realization_state; malformed or inconsistent values are refused';

CREATE FUNCTION price_realization_state_out(price_realization_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'price_realization_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_state_out(price_realization_state) IS 'text output of price_realization_state';

CREATE FUNCTION price_realization_state_recv(internal)
RETURNS price_realization_state
AS 'MODULE_PATHNAME', 'price_realization_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_state_recv(internal) IS 'binary input of price_realization_state; malformed or inconsistent values are refused';

CREATE FUNCTION price_realization_state_send(price_realization_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'price_realization_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_state_send(price_realization_state) IS 'binary output of price_realization_state';

CREATE TYPE price_realization_state (
    INPUT = price_realization_state_in,
    OUTPUT = price_realization_state_out,
    RECEIVE = price_realization_state_recv,
    SEND = price_realization_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE price_realization_state IS 'transferable partial state of price_realization: price_realization_partial() returns it, price_realization_merge() combines it; text form "v1 floor=... deals=... list=... net=... costed=... net_costed=... cost=... over_floor=... shares=..." (one discount share per deal)';

CREATE FUNCTION price_realization_trans(internal, numeric, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'price_realization_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_trans(internal, numeric, numeric) IS 'transition function of price_realization(list_amount, net_amount) and its partial';

CREATE FUNCTION price_realization_trans(internal, numeric, numeric, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'price_realization_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_trans(internal, numeric, numeric, numeric) IS 'transition function of price_realization(list_amount, net_amount, cost) and its partial';

CREATE FUNCTION price_realization_trans(internal, numeric, numeric, numeric, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'price_realization_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_trans(internal, numeric, numeric, numeric, float8) IS 'transition function of price_realization(list_amount, net_amount, cost, discount_floor) and its partial';

CREATE FUNCTION price_realization_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'price_realization_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_combine(internal, internal) IS 'combine function of the price_realization aggregates; states with different discount_floor are an error';

CREATE FUNCTION price_realization_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'price_realization_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_serialize(internal) IS 'serialize function of the price_realization aggregates';

CREATE FUNCTION price_realization_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'price_realization_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_deserialize(bytea, internal) IS 'deserialize function of the price_realization aggregates';

CREATE FUNCTION price_realization_final(internal)
RETURNS price_realization
AS 'MODULE_PATHNAME', 'price_realization_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_final(internal) IS 'final function of price_realization; NULL when no deal counted';

CREATE FUNCTION price_realization_partial_final(internal)
RETURNS price_realization_state
AS 'MODULE_PATHNAME', 'price_realization_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_partial_final(internal) IS 'final function of price_realization_partial: the state as a price_realization_state value';

CREATE FUNCTION price_realization_state_combine(price_realization_state, price_realization_state)
RETURNS price_realization_state
AS 'MODULE_PATHNAME', 'price_realization_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_state_combine(price_realization_state, price_realization_state) IS 'transition and combine function of price_realization_merge: the two states merged; NULL states are skipped; states with different discount_floor are an error';

CREATE FUNCTION price_realization_state_final(price_realization_state)
RETURNS price_realization
AS 'MODULE_PATHNAME', 'price_realization_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION price_realization_state_final(price_realization_state) IS 'final function of price_realization_merge: price_realization''s result from a merged state';

CREATE AGGREGATE price_realization(list_amount numeric, net_amount numeric) (
    SFUNC = price_realization_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = price_realization_final,
    COMBINEFUNC = price_realization_combine,
    SERIALFUNC = price_realization_serialize,
    DESERIALFUNC = price_realization_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE price_realization(numeric, numeric) IS
'price waterfall of the deals: deals, exact list_total, net_total, discount_total, realization = net/list, discount_p50/p90 = percentile_cont over ((list - net) / list)::float8; no cost (margin fields NULL), no floor (deals_over_floor NULL); rows with NULL list or net skipped; list <= 0 or net < 0 is an error; NULL when no deal';

CREATE AGGREGATE price_realization(list_amount numeric, net_amount numeric, cost numeric) (
    SFUNC = price_realization_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = price_realization_final,
    COMBINEFUNC = price_realization_combine,
    SERIALFUNC = price_realization_serialize,
    DESERIALFUNC = price_realization_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE price_realization(numeric, numeric, numeric) IS
'price waterfall of the deals with margin: as price_realization(list, net), plus margin_total = exact sum of net - cost over deals whose cost is not NULL and pocket_margin = margin_total / their net; cost < 0 is an error';

CREATE AGGREGATE price_realization(list_amount numeric, net_amount numeric, cost numeric, discount_floor float8) (
    SFUNC = price_realization_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = price_realization_final,
    COMBINEFUNC = price_realization_combine,
    SERIALFUNC = price_realization_serialize,
    DESERIALFUNC = price_realization_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE price_realization(numeric, numeric, numeric, float8) IS
'price waterfall with margin and a discount floor: deals_over_floor counts deals with (list - net) > discount_floor::numeric * list, exactly (30.00 off 100.00 is not over 0.3); discount_floor in [0, 1], NULL for none, the same on every row of a group';

CREATE AGGREGATE price_realization_partial(list_amount numeric, net_amount numeric) (
    SFUNC = price_realization_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = price_realization_partial_final,
    COMBINEFUNC = price_realization_combine,
    SERIALFUNC = price_realization_serialize,
    DESERIALFUNC = price_realization_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE price_realization_partial(numeric, numeric) IS
'partial state of price_realization over these rows, as a transferable price_realization_state; combine states with price_realization_merge()';

CREATE AGGREGATE price_realization_partial(list_amount numeric, net_amount numeric, cost numeric) (
    SFUNC = price_realization_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = price_realization_partial_final,
    COMBINEFUNC = price_realization_combine,
    SERIALFUNC = price_realization_serialize,
    DESERIALFUNC = price_realization_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE price_realization_partial(numeric, numeric, numeric) IS
'partial state of price_realization over these rows, as a transferable price_realization_state; combine states with price_realization_merge()';

CREATE AGGREGATE price_realization_partial(list_amount numeric, net_amount numeric, cost numeric, discount_floor float8) (
    SFUNC = price_realization_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = price_realization_partial_final,
    COMBINEFUNC = price_realization_combine,
    SERIALFUNC = price_realization_serialize,
    DESERIALFUNC = price_realization_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE price_realization_partial(numeric, numeric, numeric, float8) IS
'partial state of price_realization over these rows, as a transferable price_realization_state; combine states with price_realization_merge()';

CREATE AGGREGATE price_realization_merge(state price_realization_state) (
    SFUNC = price_realization_state_combine,
    STYPE = price_realization_state,
    SSPACE = 8192,
    FINALFUNC = price_realization_state_final,
    COMBINEFUNC = price_realization_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE price_realization_merge(price_realization_state) IS
'price_realization of the deals behind the price_realization_partial() states merged (NULL states skipped); states with different discount_floor are an error';

-- lead_load (src/lead_load.c) ----------------------------------------------

CREATE TYPE lead_load AS (
    leads            bigint,
    touched_in_sla   bigint,
    won              bigint,
    revenue          numeric,
    revenue_per_lead numeric,
    win_rate         float8
);

COMMENT ON TYPE lead_load IS 'result of lead_load(): leads created in the period, those first touched within sla_days, won, exact revenue of the won leads, revenue per lead (rounded half away from zero to the scale of the amounts, at least 2 decimals), win rate';

CREATE TYPE lead_load_state;

CREATE FUNCTION lead_load_state_in(cstring)
RETURNS lead_load_state
AS 'MODULE_PATHNAME', 'lead_load_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_state_in(cstring) IS 'text input of lead_load_state; malformed or inconsistent values are refused';

CREATE FUNCTION lead_load_state_out(lead_load_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'lead_load_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_state_out(lead_load_state) IS 'text output of lead_load_state';

CREATE FUNCTION lead_load_state_recv(internal)
RETURNS lead_load_state
AS 'MODULE_PATHNAME', 'lead_load_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_state_recv(internal) IS 'binary input of lead_load_state; malformed or inconsistent values are refused';

CREATE FUNCTION lead_load_state_send(lead_load_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'lead_load_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_state_send(lead_load_state) IS 'binary output of lead_load_state';

CREATE TYPE lead_load_state (
    INPUT = lead_load_state_in,
    OUTPUT = lead_load_state_out,
    RECEIVE = lead_load_state_recv,
    SEND = lead_load_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE lead_load_state IS 'transferable partial state of lead_load: lead_load_partial() returns it, lead_load_merge() combines it; text form "v1 start=... end=... sla_days=... leads=... touched=... won=... revenue=..."';

CREATE FUNCTION lead_load_trans(internal, date, numeric, boolean, date, date, date)
RETURNS internal
AS 'MODULE_PATHNAME', 'lead_load_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_trans(internal, date, numeric, boolean, date, date, date) IS 'transition function of lead_load(created_on, amount, won, first_touch_on, period_start, period_end) and its partial';

CREATE FUNCTION lead_load_trans(internal, date, numeric, boolean, date, date, date, int)
RETURNS internal
AS 'MODULE_PATHNAME', 'lead_load_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_trans(internal, date, numeric, boolean, date, date, date, int) IS 'transition function of lead_load(created_on, amount, won, first_touch_on, period_start, period_end, sla_days) and its partial';

CREATE FUNCTION lead_load_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'lead_load_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_combine(internal, internal) IS 'combine function of the lead_load aggregates; states with different period or sla_days are an error';

CREATE FUNCTION lead_load_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'lead_load_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_serialize(internal) IS 'serialize function of the lead_load aggregates';

CREATE FUNCTION lead_load_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'lead_load_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_deserialize(bytea, internal) IS 'deserialize function of the lead_load aggregates';

CREATE FUNCTION lead_load_final(internal)
RETURNS lead_load
AS 'MODULE_PATHNAME', 'lead_load_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_final(internal) IS 'final function of lead_load; zeros (revenue_per_lead and win_rate NULL) when no lead was created in the period';

CREATE FUNCTION lead_load_partial_final(internal)
RETURNS lead_load_state
AS 'MODULE_PATHNAME', 'lead_load_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_partial_final(internal) IS 'final function of lead_load_partial: the state as a lead_load_state value';

CREATE FUNCTION lead_load_state_combine(lead_load_state, lead_load_state)
RETURNS lead_load_state
AS 'MODULE_PATHNAME', 'lead_load_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_state_combine(lead_load_state, lead_load_state) IS 'transition and combine function of lead_load_merge: the two states merged; NULL states are skipped; states with different period or sla_days are an error';

CREATE FUNCTION lead_load_state_final(lead_load_state)
RETURNS lead_load
AS 'MODULE_PATHNAME', 'lead_load_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_state_final(lead_load_state) IS 'final function of lead_load_merge: lead_load''s result from a merged state';

CREATE AGGREGATE lead_load(created_on date, amount numeric, won boolean, first_touch_on date, period_start date, period_end date) (
    SFUNC = lead_load_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = lead_load_final,
    COMBINEFUNC = lead_load_combine,
    SERIALFUNC = lead_load_serialize,
    DESERIALFUNC = lead_load_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE lead_load(date, numeric, boolean, date, date, date) IS
'lead load of the period [period_start, period_end]: leads created in it, touched_in_sla (first_touch_on - created_on <= 1 day; NULL never touched), won, exact revenue of the won leads, revenue_per_lead, win_rate; rows with NULL created_on skipped, NULL won is not won; negative amount is an error';

CREATE AGGREGATE lead_load(created_on date, amount numeric, won boolean, first_touch_on date, period_start date, period_end date, sla_days int) (
    SFUNC = lead_load_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = lead_load_final,
    COMBINEFUNC = lead_load_combine,
    SERIALFUNC = lead_load_serialize,
    DESERIALFUNC = lead_load_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE lead_load(date, numeric, boolean, date, date, date, int) IS
'lead load of the period [period_start, period_end] with an SLA of sla_days (>= 0) for the first touch: leads, touched_in_sla, won, exact revenue, revenue_per_lead, win_rate; NULL parameters and a period_end before period_start are errors';

CREATE AGGREGATE lead_load_partial(created_on date, amount numeric, won boolean, first_touch_on date, period_start date, period_end date) (
    SFUNC = lead_load_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = lead_load_partial_final,
    COMBINEFUNC = lead_load_combine,
    SERIALFUNC = lead_load_serialize,
    DESERIALFUNC = lead_load_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE lead_load_partial(date, numeric, boolean, date, date, date) IS
'partial state of lead_load over these rows, as a transferable lead_load_state; combine states with lead_load_merge()';

CREATE AGGREGATE lead_load_partial(created_on date, amount numeric, won boolean, first_touch_on date, period_start date, period_end date, sla_days int) (
    SFUNC = lead_load_trans,
    STYPE = internal,
    SSPACE = 96,
    FINALFUNC = lead_load_partial_final,
    COMBINEFUNC = lead_load_combine,
    SERIALFUNC = lead_load_serialize,
    DESERIALFUNC = lead_load_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE lead_load_partial(date, numeric, boolean, date, date, date, int) IS
'partial state of lead_load over these rows, as a transferable lead_load_state; combine states with lead_load_merge()';

CREATE AGGREGATE lead_load_merge(state lead_load_state) (
    SFUNC = lead_load_state_combine,
    STYPE = lead_load_state,
    SSPACE = 96,
    FINALFUNC = lead_load_state_final,
    COMBINEFUNC = lead_load_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE lead_load_merge(lead_load_state) IS
'lead_load of the leads behind the lead_load_partial() states merged (NULL states skipped); states with different period or sla_days are an error';

CREATE FUNCTION lead_load_trend(current lead_load, prior lead_load, leads_up float8 DEFAULT 0.2, yield_down float8 DEFAULT 0.2)
RETURNS text
AS 'MODULE_PATHNAME', 'lead_load_trend'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION lead_load_trend(lead_load, lead_load, float8, float8) IS
'trend of the lead load from prior to current (catalog kind lead_trend): scattered when leads rose by at least leads_up and revenue per lead fell by at least yield_down; else growing when revenue rose by at least leads_up, shrinking when it fell by at least yield_down, steady otherwise; compared exactly (a change of exactly a threshold counts); NULL when prior has no leads or no revenue';
-- (end of §17)


-- ---------------------------------------------------------------------------
-- SPEC §18: the next customer models -- pmfs, paretonbd_value, mbgnbd_*,
-- sbg_* (issue 27)
-- ---------------------------------------------------------------------------
-- purchase_pmf.c: the probability of n purchases and the Pareto/NBD value.
-- Two overloads each: a new customer (model, n, horizon), and a customer
-- with a history (model, n, horizon, frequency, recency, t).

CREATE FUNCTION bgnbd_prob_purchases(model bgnbd_model, n int, horizon float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'bgnbd_prob_purchases_new'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_prob_purchases(bgnbd_model, int, float8) IS
'BG/NBD probability that a new customer makes exactly n purchases in the next horizon time units (lifetimes'' probability_of_n_purchases_up_to_time); n >= 0, horizon > 0';

CREATE FUNCTION bgnbd_prob_purchases(model bgnbd_model, n int, horizon float8, frequency int, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'bgnbd_prob_purchases'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_prob_purchases(bgnbd_model, int, float8, int, float8, float8) IS
'BG/NBD probability that a customer with this summary makes exactly n purchases in the next horizon time units; over n = 0, 1, ... the values sum to 1 and their mean is bgnbd_expected';

CREATE FUNCTION paretonbd_prob_purchases(model paretonbd_model, n int, horizon float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'paretonbd_prob_purchases_new'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION paretonbd_prob_purchases(paretonbd_model, int, float8) IS
'Pareto/NBD probability that a new customer makes exactly n purchases in the next horizon time units (BTYD''s pnbd.pmf); n >= 0, horizon > 0';

CREATE FUNCTION paretonbd_prob_purchases(model paretonbd_model, n int, horizon float8, frequency int, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'paretonbd_prob_purchases'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION paretonbd_prob_purchases(paretonbd_model, int, float8, int, float8, float8) IS
'Pareto/NBD probability that a customer with this summary makes exactly n purchases in the next horizon time units (Fader & Hardie note 028); over n = 0, 1, ... the values sum to 1 and their mean is paretonbd_expected';

CREATE FUNCTION paretonbd_value(model paretonbd_model, gg gammagamma_model, frequency int, recency float8, t float8, monetary numeric, discount_rate float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'paretonbd_value'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION paretonbd_value(paretonbd_model, gammagamma_model, int, float8, float8, numeric, float8) IS
'discounted expected residual value of a customer: E(M) from gammagamma_expected_spend times the Pareto/NBD DERT (Fader, Hardie & Lee 2005) at the continuous discount rate discount_rate (> 0) per time unit';

-- mbgnbd (src/mbgnbd.c): the modified BG/NBD of Batislam, Denizel &
-- Filiztekin (2007).  Its fit keeps bgnbd_fit's state and support
-- functions: mbgnbd_fit_partial returns a bgnbd_fit_state, and a state of
-- bgnbd_fit_partial or paretonbd_fit_partial feeds mbgnbd_fit_merge too.

CREATE TYPE mbgnbd_model AS (
    r float8,
    alpha float8,
    a float8,
    b float8,
    log_likelihood float8,
    customers bigint,
    converged boolean
);

COMMENT ON TYPE mbgnbd_model IS
'a fitted modified BG/NBD model (Batislam et al. 2007): purchase rates ~ Gamma(r, alpha), dropout probability ~ Beta(a, b) at every purchase including the first, with the maximised log-likelihood, the number of customers and whether the fit converged';

CREATE FUNCTION mbgnbd_fit_final(internal)
RETURNS mbgnbd_model
AS 'MODULE_PATHNAME', 'mbgnbd_fit_final'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION mbgnbd_fit_final(internal) IS
'final function of mbgnbd_fit: the maximum-likelihood fit; NULL without customers';

CREATE AGGREGATE mbgnbd_fit(frequency int, recency float8, t float8) (
    SFUNC = bgnbd_fit_trans,
    STYPE = internal,
    SSPACE = 32832,
    FINALFUNC = mbgnbd_fit_final,
    COMBINEFUNC = bgnbd_fit_combine,
    SERIALFUNC = bgnbd_fit_serialize,
    DESERIALFUNC = bgnbd_fit_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE mbgnbd_fit(int, float8, float8) IS
'maximum-likelihood modified BG/NBD fit (Batislam, Denizel & Filiztekin 2007; lifetimes'' ModifiedBetaGeoFitter) over customer summaries (frequency, recency, t as btyd_summary returns them); rows with a NULL argument are skipped; NULL without customers; converged = false when the optimiser did not reach a maximum';

CREATE AGGREGATE mbgnbd_fit_partial(frequency int, recency float8, t float8) (
    SFUNC = bgnbd_fit_trans,
    STYPE = internal,
    SSPACE = 32832,
    FINALFUNC = bgnbd_fit_partial_final,
    COMBINEFUNC = bgnbd_fit_combine,
    SERIALFUNC = bgnbd_fit_serialize,
    DESERIALFUNC = bgnbd_fit_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE mbgnbd_fit_partial(int, float8, float8) IS
'the state of mbgnbd_fit as a transferable bgnbd_fit_state value (the customer summaries bgnbd_fit keeps), to be merged by mbgnbd_fit_merge; NULL without customers';

CREATE FUNCTION mbgnbd_fit_state_combine(bgnbd_fit_state, bgnbd_fit_state)
RETURNS bgnbd_fit_state
AS 'MODULE_PATHNAME', 'mbgnbd_fit_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION mbgnbd_fit_state_combine(bgnbd_fit_state, bgnbd_fit_state) IS
'transition and combine function of mbgnbd_fit_merge: the two states merged; NULL states are skipped';

CREATE FUNCTION mbgnbd_fit_state_final(bgnbd_fit_state)
RETURNS mbgnbd_model
AS 'MODULE_PATHNAME', 'mbgnbd_fit_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION mbgnbd_fit_state_final(bgnbd_fit_state) IS
'final function of mbgnbd_fit_merge: mbgnbd_fit''s result from a merged state';

CREATE AGGREGATE mbgnbd_fit_merge(state bgnbd_fit_state) (
    SFUNC = mbgnbd_fit_state_combine,
    STYPE = bgnbd_fit_state,
    SSPACE = 32832,
    FINALFUNC = mbgnbd_fit_state_final,
    COMBINEFUNC = mbgnbd_fit_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE mbgnbd_fit_merge(bgnbd_fit_state) IS
'mbgnbd_fit over the customers of several bgnbd_fit_state values (from mbgnbd_fit_partial, bgnbd_fit_partial or paretonbd_fit_partial); NULL states are skipped';

CREATE FUNCTION mbgnbd_p_alive(model mbgnbd_model, frequency int, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'mbgnbd_p_alive'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION mbgnbd_p_alive(mbgnbd_model, int, float8, float8) IS
'modified BG/NBD probability that a customer with this summary is still active: 1 / (1 + a/(b+frequency) ((alpha+t)/(alpha+recency))^(r+frequency)), below 1 also for one-time buyers';

CREATE FUNCTION mbgnbd_expected(model mbgnbd_model, horizon float8, frequency int, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'mbgnbd_expected'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION mbgnbd_expected(mbgnbd_model, float8, int, float8, float8) IS
'modified BG/NBD expected purchases of a customer with this summary in the next horizon time units (lifetimes'' ModifiedBetaGeoFitter.conditional_expected_number_of_purchases_up_to_time)';

-- sbg (src/sbg.c): the shifted-beta-geometric retention model (Fader &
-- Hardie 2007) over one cohort's (period, survivors) rows.

CREATE TYPE sbg_model AS (
    alpha float8,
    beta float8,
    log_likelihood float8,
    periods int,
    converged boolean
);

COMMENT ON TYPE sbg_model IS
'a fitted shifted-beta-geometric model: churn probabilities ~ Beta(alpha, beta), the maximised log-likelihood, the periods observed after the start and whether the fit converged';

CREATE TYPE sbg_fit_state;

CREATE FUNCTION sbg_fit_state_in(cstring)
RETURNS sbg_fit_state
AS 'MODULE_PATHNAME', 'sbg_fit_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION sbg_fit_state_in(cstring) IS
'text input of sbg_fit_state: "1:" then (period,survivors) pairs separated by commas; malformed values are refused';

CREATE FUNCTION sbg_fit_state_out(sbg_fit_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'sbg_fit_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION sbg_fit_state_out(sbg_fit_state) IS
'text output of sbg_fit_state: pairs by period';

CREATE FUNCTION sbg_fit_state_recv(internal)
RETURNS sbg_fit_state
AS 'MODULE_PATHNAME', 'sbg_fit_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION sbg_fit_state_recv(internal) IS
'binary input of sbg_fit_state; malformed values are refused';

CREATE FUNCTION sbg_fit_state_send(sbg_fit_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'sbg_fit_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION sbg_fit_state_send(sbg_fit_state) IS
'binary output of sbg_fit_state: byte version 1, int32 count, then per pair int32 period, int64 survivors';

CREATE TYPE sbg_fit_state (
    INPUT = sbg_fit_state_in,
    OUTPUT = sbg_fit_state_out,
    RECEIVE = sbg_fit_state_recv,
    SEND = sbg_fit_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE sbg_fit_state IS
'transferable partial state of sbg_fit: sbg_fit_partial() returns it, sbg_fit_merge() combines it; text form "1:(0,1000),(1,869)"';

CREATE FUNCTION sbg_fit_trans(internal, int, bigint)
RETURNS internal
AS 'MODULE_PATHNAME', 'sbg_fit_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION sbg_fit_trans(internal, int, bigint) IS
'transition function of sbg_fit and sbg_fit_partial: rows with a NULL argument are skipped';

CREATE FUNCTION sbg_fit_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'sbg_fit_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION sbg_fit_combine(internal, internal) IS
'combine function of the sbg_fit aggregates; a period with two different counts is an error';

CREATE FUNCTION sbg_fit_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'sbg_fit_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION sbg_fit_serialize(internal) IS 'serialize function of the sbg_fit aggregates';

CREATE FUNCTION sbg_fit_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'sbg_fit_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION sbg_fit_deserialize(bytea, internal) IS 'deserialize function of the sbg_fit aggregates';

CREATE FUNCTION sbg_fit_final(internal)
RETURNS sbg_model
AS 'MODULE_PATHNAME', 'sbg_fit_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION sbg_fit_final(internal) IS
'final function of sbg_fit: the maximum-likelihood fit; NULL without rows; errors when period 0 or a later period is missing or survivors increase';

CREATE FUNCTION sbg_fit_partial_final(internal)
RETURNS sbg_fit_state
AS 'MODULE_PATHNAME', 'sbg_fit_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION sbg_fit_partial_final(internal) IS
'final function of sbg_fit_partial: the state as an sbg_fit_state value; NULL without rows';

CREATE FUNCTION sbg_fit_state_combine(sbg_fit_state, sbg_fit_state)
RETURNS sbg_fit_state
AS 'MODULE_PATHNAME', 'sbg_fit_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION sbg_fit_state_combine(sbg_fit_state, sbg_fit_state) IS
'transition and combine function of sbg_fit_merge: the two states merged; NULL states are skipped; a period with two different counts is an error';

CREATE FUNCTION sbg_fit_state_final(sbg_fit_state)
RETURNS sbg_model
AS 'MODULE_PATHNAME', 'sbg_fit_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION sbg_fit_state_final(sbg_fit_state) IS
'final function of sbg_fit_merge: sbg_fit''s result from a merged state';

CREATE AGGREGATE sbg_fit(period int, survivors bigint) (
    SFUNC = sbg_fit_trans,
    STYPE = internal,
    SSPACE = 256,
    FINALFUNC = sbg_fit_final,
    COMBINEFUNC = sbg_fit_combine,
    SERIALFUNC = sbg_fit_serialize,
    DESERIALFUNC = sbg_fit_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE sbg_fit(int, bigint) IS
'maximum-likelihood shifted-beta-geometric fit (Fader & Hardie 2007) over one cohort: period 0 the starting count, then the survivors at the end of each period 1..m, every period once; survivors must not increase; NULL rows skipped; NULL without rows';

CREATE AGGREGATE sbg_fit_partial(period int, survivors bigint) (
    SFUNC = sbg_fit_trans,
    STYPE = internal,
    SSPACE = 256,
    FINALFUNC = sbg_fit_partial_final,
    COMBINEFUNC = sbg_fit_combine,
    SERIALFUNC = sbg_fit_serialize,
    DESERIALFUNC = sbg_fit_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE sbg_fit_partial(int, bigint) IS
'the state of sbg_fit as a transferable sbg_fit_state value, to be merged by sbg_fit_merge; NULL without rows';

CREATE AGGREGATE sbg_fit_merge(state sbg_fit_state) (
    SFUNC = sbg_fit_state_combine,
    STYPE = sbg_fit_state,
    SSPACE = 256,
    FINALFUNC = sbg_fit_state_final,
    COMBINEFUNC = sbg_fit_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE sbg_fit_merge(sbg_fit_state) IS
'sbg_fit over the rows of several sbg_fit_state values; a period in two states must have the same count; NULL states are skipped';

CREATE FUNCTION sbg_retention(model sbg_model, period int)
RETURNS float8
AS 'MODULE_PATHNAME', 'sbg_retention'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION sbg_retention(sbg_model, int) IS
'retention rate of period t >= 1 under the sBG model: (beta + t - 1) / (alpha + beta + t - 1), the share of those active at its start who renew at its end';

CREATE FUNCTION sbg_survival(model sbg_model, period int)
RETURNS float8
AS 'MODULE_PATHNAME', 'sbg_survival'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION sbg_survival(sbg_model, int) IS
'share of a cohort still active at the end of period t >= 0 under the sBG model: B(alpha, beta + t) / B(alpha, beta), 1 at period 0';
-- (end of §18)


-- ---------------------------------------------------------------------------
-- Labels users can extend (issue 28)
-- ---------------------------------------------------------------------------
-- (end of labels)
