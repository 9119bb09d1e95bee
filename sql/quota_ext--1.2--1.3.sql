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

-- The aggregates keep internal states with serialize/deserialize for
-- parallel plans; each ships X_partial (the transferable X_state) and
-- X_merge(X_state), whose working state is X_state itself (src/state_merge.c),
-- so Citus splits it.  Aggregates take no DEFAULT arguments: holidays is an
-- overload.  doc/quarter.md is the reference.

-- booking_rhythm (src/booking_rhythm.c) -------------------------------------

CREATE TYPE booking_rhythm AS (
    total               numeric,
    share_by_third      float8[],
    share_last_5_days   float8,
    weekly_gini         float8,
    weeks_with_bookings int,
    max_week_share      float8
);

COMMENT ON TYPE booking_rhythm IS 'result of booking_rhythm(): exact total of the period, share by thirds cut at quota_steps(..., 3)''s due dates, share of the last five counted days, Gini of the weekly totals, weeks with bookings, the largest week''s share';

CREATE TYPE booking_rhythm_state;

CREATE FUNCTION booking_rhythm_state_in(cstring)
RETURNS booking_rhythm_state
AS 'MODULE_PATHNAME', 'booking_rhythm_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_state_in(cstring) IS 'text input of booking_rhythm_state; malformed values are refused (22P02)';

CREATE FUNCTION booking_rhythm_state_out(booking_rhythm_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'booking_rhythm_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_state_out(booking_rhythm_state) IS 'text output of booking_rhythm_state';

CREATE FUNCTION booking_rhythm_state_recv(internal)
RETURNS booking_rhythm_state
AS 'MODULE_PATHNAME', 'booking_rhythm_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_state_recv(internal) IS 'binary input of booking_rhythm_state; malformed values are refused (22P03)';

CREATE FUNCTION booking_rhythm_state_send(booking_rhythm_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'booking_rhythm_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_state_send(booking_rhythm_state) IS 'binary output of booking_rhythm_state';

CREATE TYPE booking_rhythm_state (
    INPUT = booking_rhythm_state_in,
    OUTPUT = booking_rhythm_state_out,
    RECEIVE = booking_rhythm_state_recv,
    SEND = booking_rhythm_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE booking_rhythm_state IS 'transferable partial state of booking_rhythm: booking_rhythm_partial() returns it, booking_rhythm_merge() combines it; the period''s cut dates, exact sums of the thirds, the last five days and every week; text form "v1 start=D end=D d1=D d2=D last5=D total=X thirds=X,X,X last5sum=X weeks=N:X,..."';

CREATE FUNCTION booking_rhythm_trans(internal, date, numeric, date, date)
RETURNS internal
AS 'MODULE_PATHNAME', 'booking_rhythm_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_trans(internal, date, numeric, date, date) IS 'transition function of booking_rhythm and booking_rhythm_partial';

CREATE FUNCTION booking_rhythm_trans(internal, date, numeric, date, date, date[])
RETURNS internal
AS 'MODULE_PATHNAME', 'booking_rhythm_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_trans(internal, date, numeric, date, date, date[]) IS 'transition function of booking_rhythm and booking_rhythm_partial';

CREATE FUNCTION booking_rhythm_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'booking_rhythm_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_combine(internal, internal) IS 'combine function of the booking_rhythm aggregates; states with different parameters are an error';

CREATE FUNCTION booking_rhythm_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'booking_rhythm_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_serialize(internal) IS 'serialize function of the booking_rhythm aggregates';

CREATE FUNCTION booking_rhythm_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'booking_rhythm_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_deserialize(bytea, internal) IS 'deserialize function of the booking_rhythm aggregates';

CREATE FUNCTION booking_rhythm_final(internal)
RETURNS booking_rhythm
AS 'MODULE_PATHNAME', 'booking_rhythm_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_final(internal) IS 'final function of booking_rhythm and booking_rhythm_merge; NULL without rows';

CREATE FUNCTION booking_rhythm_partial_final(internal)
RETURNS booking_rhythm_state
AS 'MODULE_PATHNAME', 'booking_rhythm_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_partial_final(internal) IS 'final function of booking_rhythm_partial: the state as a booking_rhythm_state value';

CREATE FUNCTION booking_rhythm_merge_trans(internal, booking_rhythm_state)
RETURNS internal
AS 'MODULE_PATHNAME', 'booking_rhythm_merge_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_merge_trans(internal, booking_rhythm_state) IS 'transition function of a booking_rhythm_merge over internal states; NULL states are skipped';

CREATE FUNCTION booking_rhythm_state_combine(booking_rhythm_state, booking_rhythm_state)
RETURNS booking_rhythm_state
AS 'MODULE_PATHNAME', 'booking_rhythm_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_state_combine(booking_rhythm_state, booking_rhythm_state) IS 'transition and combine function of booking_rhythm_merge: the two states merged; NULL states are skipped; states with different parameters are an error';

CREATE FUNCTION booking_rhythm_state_final(booking_rhythm_state)
RETURNS booking_rhythm
AS 'MODULE_PATHNAME', 'booking_rhythm_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION booking_rhythm_state_final(booking_rhythm_state) IS 'final function of booking_rhythm_merge: booking_rhythm''s result from a merged state';

CREATE AGGREGATE booking_rhythm(ts date, amount numeric, period_start date, period_end date) (
    SFUNC = booking_rhythm_trans,
    STYPE = internal,
    SSPACE = 512,
    FINALFUNC = booking_rhythm_final,
    COMBINEFUNC = booking_rhythm_combine,
    SERIALFUNC = booking_rhythm_serialize,
    DESERIALFUNC = booking_rhythm_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE booking_rhythm(date, numeric, date, date) IS
'the shape of a period''s bookings: total (exact sum), share_by_third (cut at the due dates of quota_steps(..., 3) over the same period and holidays; an order on a day that is not counted falls in the part of the next counted day), share_last_5_days (from the fifth-last counted day), weekly_gini over every Monday-based week touching the period (zero weeks included), weeks_with_bookings, max_week_share; shares NULL when total is 0; rows outside the period or with NULL ts/amount ignored; NULL without rows; a period needs at least 3 counted days (holidays none)';

CREATE AGGREGATE booking_rhythm(ts date, amount numeric, period_start date, period_end date, holidays date[]) (
    SFUNC = booking_rhythm_trans,
    STYPE = internal,
    SSPACE = 512,
    FINALFUNC = booking_rhythm_final,
    COMBINEFUNC = booking_rhythm_combine,
    SERIALFUNC = booking_rhythm_serialize,
    DESERIALFUNC = booking_rhythm_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE booking_rhythm(date, numeric, date, date, date[]) IS
'the shape of a period''s bookings: total (exact sum), share_by_third (cut at the due dates of quota_steps(..., 3) over the same period and holidays; an order on a day that is not counted falls in the part of the next counted day), share_last_5_days (from the fifth-last counted day), weekly_gini over every Monday-based week touching the period (zero weeks included), weeks_with_bookings, max_week_share; shares NULL when total is 0; rows outside the period or with NULL ts/amount ignored; NULL without rows; a period needs at least 3 counted days';

CREATE AGGREGATE booking_rhythm_partial(ts date, amount numeric, period_start date, period_end date) (
    SFUNC = booking_rhythm_trans,
    STYPE = internal,
    SSPACE = 512,
    FINALFUNC = booking_rhythm_partial_final,
    COMBINEFUNC = booking_rhythm_combine,
    SERIALFUNC = booking_rhythm_serialize,
    DESERIALFUNC = booking_rhythm_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE booking_rhythm_partial(date, numeric, date, date) IS
'partial state of booking_rhythm over these rows, as a transferable booking_rhythm_state; combine states with booking_rhythm_merge()';

CREATE AGGREGATE booking_rhythm_partial(ts date, amount numeric, period_start date, period_end date, holidays date[]) (
    SFUNC = booking_rhythm_trans,
    STYPE = internal,
    SSPACE = 512,
    FINALFUNC = booking_rhythm_partial_final,
    COMBINEFUNC = booking_rhythm_combine,
    SERIALFUNC = booking_rhythm_serialize,
    DESERIALFUNC = booking_rhythm_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE booking_rhythm_partial(date, numeric, date, date, date[]) IS
'partial state of booking_rhythm with holidays over these rows, as a transferable booking_rhythm_state; combine states with booking_rhythm_merge()';

CREATE AGGREGATE booking_rhythm_merge(state booking_rhythm_state) (
    SFUNC = booking_rhythm_state_combine,
    STYPE = booking_rhythm_state,
    SSPACE = 512,
    FINALFUNC = booking_rhythm_state_final,
    COMBINEFUNC = booking_rhythm_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE booking_rhythm_merge(booking_rhythm_state) IS
'booking_rhythm of the rows behind the booking_rhythm_partial() states merged (NULL states skipped); states of different periods or cut dates are an error';


-- quota_allocate (src/quota_allocate.c) -------------------------------------

CREATE FUNCTION quota_allocate(total numeric, weight numeric)
RETURNS numeric
AS 'MODULE_PATHNAME', 'quota_allocate'
LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION quota_allocate(numeric, numeric) IS 'window function: each row''s share of the partition''s total in proportion to weight, rounded to the scale of total (at least 2 decimals) by the largest-remainder method, so the partition''s shares sum to total exactly; ties in remainder go to the larger weight, then to the earlier row in the window''s ORDER BY; one total per partition, weights >= 0 with a positive sum; rows with a NULL total or weight get NULL and no share';

-- commission (src/commission.c) ---------------------------------------------

CREATE FUNCTION commission(credit numeric, quota numeric, tiers numeric[], marginal boolean DEFAULT true)
RETURNS numeric
AS 'MODULE_PATHNAME', 'commission'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION commission(numeric, numeric, numeric[], boolean) IS 'pay of a tiered plan: tiers {from_1, rate_1, from_2, rate_2, ...}, from as attainment (share of quota, from_1 = 0, increasing), rate a share of credit; marginal: each part of credit pays its tier''s rate; whole-tier: all credit pays the rate of the tier the attainment reaches (a boundary belongs to the tier above); rounded half away from zero to the scale of credit, at least 2 decimals; quota > 0, credit >= 0, rates >= 0';

-- quota_capacity (src/quota_capacity.c) -------------------------------------

CREATE TYPE quota_capacity_state;

CREATE FUNCTION quota_capacity_state_in(cstring)
RETURNS quota_capacity_state
AS 'MODULE_PATHNAME', 'quota_capacity_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_state_in(cstring) IS 'text input of quota_capacity_state; malformed values are refused (22P02)';

CREATE FUNCTION quota_capacity_state_out(quota_capacity_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'quota_capacity_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_state_out(quota_capacity_state) IS 'text output of quota_capacity_state';

CREATE FUNCTION quota_capacity_state_recv(internal)
RETURNS quota_capacity_state
AS 'MODULE_PATHNAME', 'quota_capacity_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_state_recv(internal) IS 'binary input of quota_capacity_state; malformed values are refused (22P03)';

CREATE FUNCTION quota_capacity_state_send(quota_capacity_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'quota_capacity_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_state_send(quota_capacity_state) IS 'binary output of quota_capacity_state';

CREATE TYPE quota_capacity_state (
    INPUT = quota_capacity_state_in,
    OUTPUT = quota_capacity_state_out,
    RECEIVE = quota_capacity_state_recv,
    SEND = quota_capacity_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE quota_capacity_state IS 'transferable partial state of quota_capacity: quota_capacity_partial() returns it, quota_capacity_merge() combines it; row count, the largest scale of quota, the exact unrounded sum; text form "v1 rows=N scale=S sum=X"';

CREATE FUNCTION quota_capacity_trans(internal, numeric, float8, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'quota_capacity_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_trans(internal, numeric, float8, float8) IS 'transition function of quota_capacity and quota_capacity_partial';

CREATE FUNCTION quota_capacity_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'quota_capacity_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_combine(internal, internal) IS 'combine function of the quota_capacity aggregates; states with different parameters are an error';

CREATE FUNCTION quota_capacity_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'quota_capacity_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_serialize(internal) IS 'serialize function of the quota_capacity aggregates';

CREATE FUNCTION quota_capacity_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'quota_capacity_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_deserialize(bytea, internal) IS 'deserialize function of the quota_capacity aggregates';

CREATE FUNCTION quota_capacity_final(internal)
RETURNS numeric
AS 'MODULE_PATHNAME', 'quota_capacity_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_final(internal) IS 'final function of quota_capacity and quota_capacity_merge; NULL without rows';

CREATE FUNCTION quota_capacity_partial_final(internal)
RETURNS quota_capacity_state
AS 'MODULE_PATHNAME', 'quota_capacity_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_partial_final(internal) IS 'final function of quota_capacity_partial: the state as a quota_capacity_state value';

CREATE FUNCTION quota_capacity_merge_trans(internal, quota_capacity_state)
RETURNS internal
AS 'MODULE_PATHNAME', 'quota_capacity_merge_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_merge_trans(internal, quota_capacity_state) IS 'transition function of a quota_capacity_merge over internal states; NULL states are skipped';

CREATE FUNCTION quota_capacity_state_combine(quota_capacity_state, quota_capacity_state)
RETURNS quota_capacity_state
AS 'MODULE_PATHNAME', 'quota_capacity_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_state_combine(quota_capacity_state, quota_capacity_state) IS 'transition and combine function of quota_capacity_merge: the two states merged; NULL states are skipped; states with different parameters are an error';

CREATE FUNCTION quota_capacity_state_final(quota_capacity_state)
RETURNS numeric
AS 'MODULE_PATHNAME', 'quota_capacity_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION quota_capacity_state_final(quota_capacity_state) IS 'final function of quota_capacity_merge: quota_capacity''s result from a merged state';

CREATE AGGREGATE quota_capacity(quota numeric, ramp_share float8, attainment_factor float8) (
    SFUNC = quota_capacity_trans,
    STYPE = internal,
    SSPACE = 64,
    FINALFUNC = quota_capacity_final,
    COMBINEFUNC = quota_capacity_combine,
    SERIALFUNC = quota_capacity_serialize,
    DESERIALFUNC = quota_capacity_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE quota_capacity(numeric, float8, float8) IS
'what the team can carry: sum(quota * ramp_share * attainment_factor), each float8 taken as the numeric it casts to, the sum exact and rounded once half away from zero to the largest scale of quota (at least 2 decimals); ramp_share in [0, 1], attainment_factor >= 0, quota >= 0; rows with a NULL argument ignored; NULL without rows';

CREATE AGGREGATE quota_capacity_partial(quota numeric, ramp_share float8, attainment_factor float8) (
    SFUNC = quota_capacity_trans,
    STYPE = internal,
    SSPACE = 64,
    FINALFUNC = quota_capacity_partial_final,
    COMBINEFUNC = quota_capacity_combine,
    SERIALFUNC = quota_capacity_serialize,
    DESERIALFUNC = quota_capacity_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE quota_capacity_partial(numeric, float8, float8) IS
'partial state of quota_capacity over these rows, as a transferable quota_capacity_state; combine states with quota_capacity_merge()';

CREATE AGGREGATE quota_capacity_merge(state quota_capacity_state) (
    SFUNC = quota_capacity_state_combine,
    STYPE = quota_capacity_state,
    SSPACE = 64,
    FINALFUNC = quota_capacity_state_final,
    COMBINEFUNC = quota_capacity_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE quota_capacity_merge(quota_capacity_state) IS
'quota_capacity of the rows behind the quota_capacity_partial() states merged (NULL states skipped)';


-- attainment_distribution (src/attainment_distribution.c) -------------------

CREATE TYPE attainment_distribution AS (
    reps          bigint,
    at_or_above_1 float8,
    p10           float8,
    p50           float8,
    p90           float8,
    gini          float8
);

COMMENT ON TYPE attainment_distribution IS 'result of attainment_distribution(): reps, share of reps at or above 1, p10/p50/p90 as percentile_cont, Gini coefficient';

CREATE TYPE attainment_distribution_state;

CREATE FUNCTION attainment_distribution_state_in(cstring)
RETURNS attainment_distribution_state
AS 'MODULE_PATHNAME', 'attainment_distribution_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_state_in(cstring) IS 'text input of attainment_distribution_state; malformed values are refused (22P02)';

CREATE FUNCTION attainment_distribution_state_out(attainment_distribution_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'attainment_distribution_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_state_out(attainment_distribution_state) IS 'text output of attainment_distribution_state';

CREATE FUNCTION attainment_distribution_state_recv(internal)
RETURNS attainment_distribution_state
AS 'MODULE_PATHNAME', 'attainment_distribution_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_state_recv(internal) IS 'binary input of attainment_distribution_state; malformed values are refused (22P03)';

CREATE FUNCTION attainment_distribution_state_send(attainment_distribution_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'attainment_distribution_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_state_send(attainment_distribution_state) IS 'binary output of attainment_distribution_state';

CREATE TYPE attainment_distribution_state (
    INPUT = attainment_distribution_state_in,
    OUTPUT = attainment_distribution_state_out,
    RECEIVE = attainment_distribution_state_recv,
    SEND = attainment_distribution_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE attainment_distribution_state IS 'transferable partial state of attainment_distribution: attainment_distribution_partial() returns it, attainment_distribution_merge() combines it; every attainment (8 bytes a rep); text form "v1 n=N values=x,x,..."';

CREATE FUNCTION attainment_distribution_trans(internal, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'attainment_distribution_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_trans(internal, float8) IS 'transition function of attainment_distribution and attainment_distribution_partial';

CREATE FUNCTION attainment_distribution_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'attainment_distribution_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_combine(internal, internal) IS 'combine function of the attainment_distribution aggregates; states with different parameters are an error';

CREATE FUNCTION attainment_distribution_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'attainment_distribution_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_serialize(internal) IS 'serialize function of the attainment_distribution aggregates';

CREATE FUNCTION attainment_distribution_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'attainment_distribution_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_deserialize(bytea, internal) IS 'deserialize function of the attainment_distribution aggregates';

CREATE FUNCTION attainment_distribution_final(internal)
RETURNS attainment_distribution
AS 'MODULE_PATHNAME', 'attainment_distribution_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_final(internal) IS 'final function of attainment_distribution and attainment_distribution_merge; NULL without rows';

CREATE FUNCTION attainment_distribution_partial_final(internal)
RETURNS attainment_distribution_state
AS 'MODULE_PATHNAME', 'attainment_distribution_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_partial_final(internal) IS 'final function of attainment_distribution_partial: the state as a attainment_distribution_state value';

CREATE FUNCTION attainment_distribution_merge_trans(internal, attainment_distribution_state)
RETURNS internal
AS 'MODULE_PATHNAME', 'attainment_distribution_merge_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_merge_trans(internal, attainment_distribution_state) IS 'transition function of a attainment_distribution_merge over internal states; NULL states are skipped';

CREATE FUNCTION attainment_distribution_state_combine(attainment_distribution_state, attainment_distribution_state)
RETURNS attainment_distribution_state
AS 'MODULE_PATHNAME', 'attainment_distribution_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_state_combine(attainment_distribution_state, attainment_distribution_state) IS 'transition and combine function of attainment_distribution_merge: the two states merged; NULL states are skipped; states with different parameters are an error';

CREATE FUNCTION attainment_distribution_state_final(attainment_distribution_state)
RETURNS attainment_distribution
AS 'MODULE_PATHNAME', 'attainment_distribution_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION attainment_distribution_state_final(attainment_distribution_state) IS 'final function of attainment_distribution_merge: attainment_distribution''s result from a merged state';

CREATE AGGREGATE attainment_distribution(attainment float8) (
    SFUNC = attainment_distribution_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = attainment_distribution_final,
    COMBINEFUNC = attainment_distribution_combine,
    SERIALFUNC = attainment_distribution_serialize,
    DESERIALFUNC = attainment_distribution_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE attainment_distribution(float8) IS
'how attainment spreads over the reps: reps, at_or_above_1 (share with attainment >= 1), p10, p50, p90 (as percentile_cont), gini (sum_i sum_j |x_i - x_j| / (2 n^2 mean), NULL when every attainment is 0); attainment finite and >= 0; NULL rows ignored; NULL without rows';

CREATE AGGREGATE attainment_distribution_partial(attainment float8) (
    SFUNC = attainment_distribution_trans,
    STYPE = internal,
    SSPACE = 8192,
    FINALFUNC = attainment_distribution_partial_final,
    COMBINEFUNC = attainment_distribution_combine,
    SERIALFUNC = attainment_distribution_serialize,
    DESERIALFUNC = attainment_distribution_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE attainment_distribution_partial(float8) IS
'partial state of attainment_distribution over these rows, as a transferable attainment_distribution_state; combine states with attainment_distribution_merge()';

CREATE AGGREGATE attainment_distribution_merge(state attainment_distribution_state) (
    SFUNC = attainment_distribution_state_combine,
    STYPE = attainment_distribution_state,
    SSPACE = 8192,
    FINALFUNC = attainment_distribution_state_final,
    COMBINEFUNC = attainment_distribution_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE attainment_distribution_merge(attainment_distribution_state) IS
'attainment_distribution of the rows behind the attainment_distribution_partial() states merged (NULL states skipped)';

-- (end of §16)


-- ---------------------------------------------------------------------------
-- SPEC §17: margin and lead load -- price_realization, lead_load,
-- lead_load_trend (issue 26)
-- ---------------------------------------------------------------------------
-- (end of §17)


-- ---------------------------------------------------------------------------
-- SPEC §18: the next customer models -- pmfs, paretonbd_value, mbgnbd_*,
-- sbg_* (issue 27)
-- ---------------------------------------------------------------------------
-- (end of §18)


-- ---------------------------------------------------------------------------
-- Labels users can extend (issue 28)
-- ---------------------------------------------------------------------------
-- (end of labels)
