/* quota_ext--1.1.sql: sales quota, deal, lead and segmentation arithmetic, version 1.1 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION quota_ext" to load this file. \quit

-- The full 1.1 install script: what quota_ext--1.0.sql creates, then the
-- BG/NBD model (SPEC §8) that 1.1 adds.  A fresh CREATE EXTENSION runs this
-- file alone; a 1.0 installation reaches 1.1 through quota_ext--1.0--1.1.sql.
-- test/upgrade.sh checks that both paths give the same objects.
--
-- Every object is written in C, IMMUTABLE (no result depends on the clock, a
-- GUC or a table), PARALLEL SAFE, and STRICT unless its comment says how it
-- treats NULL.  No object refers to another by name, so the extension can
-- live in any schema and be called schema-qualified from any search_path.
-- Every DEFAULT is a constant, and there are no SQL bodies, views or SET
-- commands: nothing in the script depends on the search_path it runs with
-- beyond the names of the objects it has just created (plain CREATE fails on
-- a name that is already taken), which is what a trusted extension needs.

------------------------------------------------------------------------------
-- deals (src/deals.c): lift index, reanimation mode, close probability
------------------------------------------------------------------------------

CREATE FUNCTION lift_index(agreement float8, objections int)
RETURNS float8
AS 'MODULE_PATHNAME', 'lift_index'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION lift_index(float8, int) IS
'lift index of a deal: agreement (share of terms agreed, 0..1) / open objections; Infinity with 0 objections and agreement > 0, 0 when agreement = 0';

CREATE FUNCTION needs_reanimation(agreement float8, objections int, threshold float8 DEFAULT 0.4)
RETURNS boolean
AS 'MODULE_PATHNAME', 'needs_reanimation'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION needs_reanimation(float8, int, float8) IS
'true when the deal''s lift index is below threshold (default 0.4): the deal goes into reanimation mode';

CREATE FUNCTION close_probability(agreement float8, objections int)
RETURNS float8
AS 'MODULE_PATHNAME', 'close_probability'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION close_probability(float8, int) IS
'close probability of a deal from its lift index L: L / (1 + L), 1 when L is infinite';

------------------------------------------------------------------------------
-- trigger (src/trigger.c): flag_reanimation
------------------------------------------------------------------------------

CREATE FUNCTION flag_reanimation()
RETURNS trigger
AS 'MODULE_PATHNAME', 'flag_reanimation'
LANGUAGE C PARALLEL SAFE;

COMMENT ON FUNCTION flag_reanimation() IS
'BEFORE INSERT OR UPDATE FOR EACH ROW trigger; arguments (agreement_column, objections_column, flag_column [, threshold [, since_column]]): sets the flag to needs_reanimation(), NULL when an input is NULL, and since to the transaction time the flag turned true';

------------------------------------------------------------------------------
-- leads (src/leads.c): priority groups and qualification
------------------------------------------------------------------------------

CREATE FUNCTION priority_group(amount float8, days_to_cash float8, big_amount float8, fast_days float8)
RETURNS int
AS 'MODULE_PATHNAME', 'priority_group'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION priority_group(float8, float8, float8, float8) IS
'lead priority group: 1 fast & big, 2 fast & small, 3 slow & big, 4 slow & small; big is amount >= big_amount, fast is days_to_cash <= fast_days';

CREATE FUNCTION priority_label(grp int)
RETURNS text
AS 'MODULE_PATHNAME', 'priority_label'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION priority_label(int) IS
'name of a priority group 1..4: fast_big, fast_small, slow_big, slow_small';

CREATE FUNCTION lead_class(need boolean, budget boolean, urgent boolean)
RETURNS text
AS 'MODULE_PATHNAME', 'lead_class'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION lead_class(boolean, boolean, boolean) IS
'lead class: A when need, budget and urgency are confirmed, B when need and budget are, C otherwise; NULL counts as not confirmed';

------------------------------------------------------------------------------
-- quotas (src/quotas.c): counted days, status, checkpoints, coverage, velocity
------------------------------------------------------------------------------

CREATE FUNCTION business_days(from_date date, to_date date, holidays date[] DEFAULT '{}')
RETURNS int
AS 'MODULE_PATHNAME', 'business_days'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION business_days(date, date, date[]) IS
'Monday-Friday dates in [from_date, to_date] that are not in holidays (NULL elements ignored); 0 when to_date < from_date';

CREATE TYPE quota_status AS (
    total_days       int,
    elapsed_days     int,
    remaining_days   int,
    expected_to_date numeric,
    attainment       float8,
    pace             float8,
    forecast         numeric,
    gap              numeric,
    required_per_day numeric,
    on_track         boolean
);

COMMENT ON TYPE quota_status IS 'result of quota_status(): plan/fact of a revenue or activity quota';

CREATE FUNCTION quota_status(actual numeric, quota numeric, period_start date, period_end date,
                             as_of date, holidays date[] DEFAULT '{}', business_days boolean DEFAULT true)
RETURNS quota_status
AS 'MODULE_PATHNAME', 'quota_status'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION quota_status(numeric, numeric, date, date, date, date[], boolean) IS
'plan/fact of a quota over the inclusive period at as_of: counted days, expected to date, attainment, pace, run-rate forecast, gap, required per day, on track';

CREATE FUNCTION quota_steps(quota numeric, period_start date, period_end date, steps int,
                            holidays date[] DEFAULT '{}', business_days boolean DEFAULT true)
RETURNS TABLE(step int, due date, target numeric)
AS 'MODULE_PATHNAME', 'quota_steps'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 13;

COMMENT ON FUNCTION quota_steps(numeric, date, date, int, date[], boolean) IS
'the period as numbered checkpoints: step k is due on the earliest counted day by which ceil(total*k/steps) counted days have passed, with target round(quota*k/steps, 2), the last exactly quota';

CREATE FUNCTION pipeline_coverage(open_pipeline numeric, quota numeric, closed numeric DEFAULT 0)
RETURNS float8
AS 'MODULE_PATHNAME', 'pipeline_coverage'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_coverage(numeric, numeric, numeric) IS
'open pipeline / (quota - closed); NULL when nothing remains to close';

CREATE FUNCTION sales_velocity(opportunities float8, win_rate float8, avg_deal float8, cycle_days float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'sales_velocity'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION sales_velocity(float8, float8, float8, float8) IS
'revenue per day: opportunities * win_rate * avg_deal / cycle_days';

------------------------------------------------------------------------------
-- heat (src/heat.c): the heat matrix cell
------------------------------------------------------------------------------

CREATE FUNCTION heat_zone(actual float8, expected float8, tolerance float8 DEFAULT 0.1)
RETURNS text
AS 'MODULE_PATHNAME', 'heat_zone'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION heat_zone(float8, float8, float8) IS
'heat matrix cell: red (missed chance) below expected*(1-tolerance), green (spare potential) above expected*(1+tolerance), amber between';

------------------------------------------------------------------------------
-- abc (src/abc.c): ABC classes by share of revenue
------------------------------------------------------------------------------

-- Window function: the OVER clause's ORDER BY and frame do not matter; the
-- whole partition is read once and sorted.  STRICT documents that NULL in any
-- argument of a row gives NULL for that row (window functions check it
-- themselves); NULL values are not counted in the partition's total.
CREATE FUNCTION abc_class(value float8, a_share float8 DEFAULT 0.8, b_share float8 DEFAULT 0.95)
RETURNS text
AS 'MODULE_PATHNAME', 'abc_class'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE WINDOW;

COMMENT ON FUNCTION abc_class(float8, float8, float8) IS
'window function: ABC class of a value within its partition; with cum = sum of the positive values >= value (ties included) and total = sum of the positive values: A when cum <= a_share*total, B when cum <= b_share*total, else C; values <= 0 are C, NULL is NULL and not counted; 0 < a_share < b_share <= 1';

------------------------------------------------------------------------------
-- xyz (src/xyz.c): demand variability and XYZ classes
------------------------------------------------------------------------------

-- demand_cv_state: a transferable demand_cv state (parameters, rows counted,
-- bucket sums), returned by demand_cv_partial() and merged by
-- demand_cv_merge() on a coordinator.  Text form:
-- v1;start=YYYY-MM-DD;periods=N;period=MONTHS,DAYS,MICROSECONDS;rows=N;sums=S1,...
CREATE TYPE demand_cv_state;

CREATE FUNCTION demand_cv_state_in(cstring) RETURNS demand_cv_state
AS 'MODULE_PATHNAME', 'demand_cv_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION demand_cv_state_out(demand_cv_state) RETURNS cstring
AS 'MODULE_PATHNAME', 'demand_cv_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION demand_cv_state_recv(internal) RETURNS demand_cv_state
AS 'MODULE_PATHNAME', 'demand_cv_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION demand_cv_state_send(demand_cv_state) RETURNS bytea
AS 'MODULE_PATHNAME', 'demand_cv_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE demand_cv_state (
    INPUT = demand_cv_state_in,
    OUTPUT = demand_cv_state_out,
    RECEIVE = demand_cv_state_recv,
    SEND = demand_cv_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

COMMENT ON TYPE demand_cv_state IS
'transferable state of demand_cv(): bucket parameters, rows counted and bucket sums; made by demand_cv_partial(), merged by demand_cv_merge()';
COMMENT ON FUNCTION demand_cv_state_in(cstring) IS 'input function of demand_cv_state';
COMMENT ON FUNCTION demand_cv_state_out(demand_cv_state) IS 'output function of demand_cv_state';
COMMENT ON FUNCTION demand_cv_state_recv(internal) IS 'binary input function of demand_cv_state';
COMMENT ON FUNCTION demand_cv_state_send(demand_cv_state) IS 'binary output function of demand_cv_state';

-- support functions; the 4-argument transition function takes period = 1 month
-- (aggregates cannot have DEFAULT arguments, so demand_cv comes in two arities)
CREATE FUNCTION demand_cv_trans(internal, date, float8, date, int)
RETURNS internal
AS 'MODULE_PATHNAME', 'demand_cv_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION demand_cv_trans(internal, date, float8, date, int, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'demand_cv_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION demand_cv_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'demand_cv_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION demand_cv_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'demand_cv_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION demand_cv_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'demand_cv_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION demand_cv_final(internal)
RETURNS float8
AS 'MODULE_PATHNAME', 'demand_cv_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION demand_cv_partial_final(internal)
RETURNS demand_cv_state
AS 'MODULE_PATHNAME', 'demand_cv_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION demand_cv_merge_trans(internal, demand_cv_state)
RETURNS internal
AS 'MODULE_PATHNAME', 'demand_cv_merge_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION demand_cv_trans(internal, date, float8, date, int) IS 'transition function of demand_cv and demand_cv_partial (period 1 month)';
COMMENT ON FUNCTION demand_cv_trans(internal, date, float8, date, int, interval) IS 'transition function of demand_cv and demand_cv_partial';
COMMENT ON FUNCTION demand_cv_combine(internal, internal) IS 'combine function of the demand_cv aggregates';
COMMENT ON FUNCTION demand_cv_serialize(internal) IS 'serialize function of the demand_cv aggregates';
COMMENT ON FUNCTION demand_cv_deserialize(bytea, internal) IS 'deserialize function of the demand_cv aggregates';
COMMENT ON FUNCTION demand_cv_final(internal) IS 'final function of demand_cv and demand_cv_merge: coefficient of variation of the bucket sums';
COMMENT ON FUNCTION demand_cv_partial_final(internal) IS 'final function of demand_cv_partial: the state as a demand_cv_state';
COMMENT ON FUNCTION demand_cv_merge_trans(internal, demand_cv_state) IS 'transition function of demand_cv_merge';

-- SSPACE: the state of the largest bucket count (1000 sums); the planner then
-- never hashes more groups than work_mem holds.
CREATE AGGREGATE demand_cv(ts date, amount float8, period_start date, periods int) (
    SFUNC = demand_cv_trans, STYPE = internal, SSPACE = 8100,
    FINALFUNC = demand_cv_final,
    COMBINEFUNC = demand_cv_combine,
    SERIALFUNC = demand_cv_serialize, DESERIALFUNC = demand_cv_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE demand_cv(ts date, amount float8, period_start date, periods int, period interval) (
    SFUNC = demand_cv_trans, STYPE = internal, SSPACE = 8100,
    FINALFUNC = demand_cv_final,
    COMBINEFUNC = demand_cv_combine,
    SERIALFUNC = demand_cv_serialize, DESERIALFUNC = demand_cv_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE demand_cv_partial(ts date, amount float8, period_start date, periods int) (
    SFUNC = demand_cv_trans, STYPE = internal, SSPACE = 8100,
    FINALFUNC = demand_cv_partial_final,
    COMBINEFUNC = demand_cv_combine,
    SERIALFUNC = demand_cv_serialize, DESERIALFUNC = demand_cv_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE demand_cv_partial(ts date, amount float8, period_start date, periods int, period interval) (
    SFUNC = demand_cv_trans, STYPE = internal, SSPACE = 8100,
    FINALFUNC = demand_cv_partial_final,
    COMBINEFUNC = demand_cv_combine,
    SERIALFUNC = demand_cv_serialize, DESERIALFUNC = demand_cv_deserialize,
    PARALLEL = SAFE
);

CREATE AGGREGATE demand_cv_merge(state demand_cv_state) (
    SFUNC = demand_cv_merge_trans, STYPE = internal, SSPACE = 8100,
    FINALFUNC = demand_cv_final,
    COMBINEFUNC = demand_cv_combine,
    SERIALFUNC = demand_cv_serialize, DESERIALFUNC = demand_cv_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE demand_cv(date, float8, date, int) IS
'coefficient of variation of demand over periods monthly buckets from period_start: population stddev of the bucket sums / their mean, empty buckets 0; NULL when no row falls in a bucket or the mean is 0';
COMMENT ON AGGREGATE demand_cv(date, float8, date, int, interval) IS
'coefficient of variation of demand over periods buckets [period_start + i*period, period_start + (i+1)*period): population stddev of the bucket sums / their mean, empty buckets 0; NULL when no row falls in a bucket or the mean is 0';
COMMENT ON AGGREGATE demand_cv_partial(date, float8, date, int) IS
'demand_cv state (monthly buckets) as a demand_cv_state, to be merged with demand_cv_merge';
COMMENT ON AGGREGATE demand_cv_partial(date, float8, date, int, interval) IS
'demand_cv state as a demand_cv_state, to be merged with demand_cv_merge';
COMMENT ON AGGREGATE demand_cv_merge(demand_cv_state) IS
'demand_cv of the rows behind the merged demand_cv_partial states; states with different parameters are an error';

CREATE FUNCTION xyz_class(cv float8, x_max float8 DEFAULT 0.10, y_max float8 DEFAULT 0.25)
RETURNS text
AS 'MODULE_PATHNAME', 'xyz_class'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION xyz_class(float8, float8, float8) IS
'XYZ class of a demand coefficient of variation: X when cv <= x_max, Y when cv <= y_max, else Z; 0 <= x_max <= y_max, cv >= 0';

------------------------------------------------------------------------------
-- rfm (src/rfm.c): RFM scores and named segments
------------------------------------------------------------------------------

-- Window function, read once per partition like abc_class; STRICT documents
-- that NULL in any argument of a row gives NULL for that row.
CREATE FUNCTION rfm_score(value float8, bins int DEFAULT 5, higher_is_better boolean DEFAULT true)
RETURNS int
AS 'MODULE_PATHNAME', 'rfm_score'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE WINDOW;

COMMENT ON FUNCTION rfm_score(float8, int, boolean) IS
'window function: RFM score 1..bins of a value within its partition: ceil(bins * #{values <= value} / n) over the n non-NULL values, or #{values >= value} when higher_is_better is false (recency); ties share a score; NULL is NULL and not counted; bins 2..100';

CREATE FUNCTION rfm_segment(r int, f int, m int)
RETURNS text
AS 'MODULE_PATHNAME', 'rfm_segment'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION rfm_segment(int, int, int) IS
'standard RFM segment of scores 1..5 (Champions, Potential Loyalist, Loyal Customers, Promising, New Customers, Can''t Lose Them, At Risk, Need Attention, About To Sleep, Lost); first matching row wins, Others when none';

CREATE FUNCTION rfm_segment(r int, f int, m int, segments jsonb)
RETURNS text
AS 'MODULE_PATHNAME', 'rfm_segment_map'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION rfm_segment(int, int, int, jsonb) IS
'RFM segment from your own table: segments is a JSON array of {"name": text, "r": [lo, hi], "f": [lo, hi], "m": [lo, hi]} in priority order (inclusive whole-number ranges); the first entry that holds r, f and m wins, Others when none; scores may be any integer';

------------------------------------------------------------------------------
-- customer aggregates (src/rfm_summary.c, src/btyd.c, src/kinetic.c):
-- rfm_summary, btyd_summary and rfm_kinetic with their _partial/_merge pairs
------------------------------------------------------------------------------

-- Each aggregate X keeps an internal state (a few dozen bytes for
-- rfm_summary and rfm_kinetic) with serialize/deserialize functions for
-- parallel plans, and ships X_partial(...) returning the transferable state
-- type X_state and X_merge(X_state) returning X's result, for sharded
-- setups.  The transition functions are not STRICT: rows whose ts or amount
-- is NULL are skipped, a NULL parameter (as_of, window_len, threshold,
-- time_unit) is an error, and so is a parameter that changes within a group.
-- Aggregates cannot have DEFAULT arguments, so the optional parameters are
-- overloads with fewer arguments.

-- rfm_summary ---------------------------------------------------------------

CREATE TYPE rfm_summary AS (
    recency_days int,
    frequency    bigint,
    monetary     numeric,
    first_order  date,
    last_order   date
);

COMMENT ON TYPE rfm_summary IS 'result of rfm_summary(): days since the last order at as_of, orders, exact revenue sum, first and last order';

CREATE TYPE rfm_summary_state;

CREATE FUNCTION rfm_summary_state_in(cstring)
RETURNS rfm_summary_state
AS 'MODULE_PATHNAME', 'rfm_summary_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION rfm_summary_state_in(cstring) IS 'text input of rfm_summary_state';

CREATE FUNCTION rfm_summary_state_out(rfm_summary_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'rfm_summary_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION rfm_summary_state_out(rfm_summary_state) IS 'text output of rfm_summary_state';

CREATE FUNCTION rfm_summary_state_recv(internal)
RETURNS rfm_summary_state
AS 'MODULE_PATHNAME', 'rfm_summary_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION rfm_summary_state_recv(internal) IS 'binary input of rfm_summary_state';

CREATE FUNCTION rfm_summary_state_send(rfm_summary_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'rfm_summary_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION rfm_summary_state_send(rfm_summary_state) IS 'binary output of rfm_summary_state';

CREATE TYPE rfm_summary_state (
    INPUT = rfm_summary_state_in,
    OUTPUT = rfm_summary_state_out,
    RECEIVE = rfm_summary_state_recv,
    SEND = rfm_summary_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE rfm_summary_state IS 'transferable partial state of rfm_summary: rfm_summary_partial() returns it, rfm_summary_merge() combines it; text form "v1 as_of=... orders=... first=... last=... monetary=..."';

CREATE FUNCTION rfm_summary_trans(internal, date, numeric, date)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_summary_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_summary_trans(internal, date, numeric, date) IS 'transition function of rfm_summary and rfm_summary_partial';

CREATE FUNCTION rfm_summary_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_summary_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_summary_combine(internal, internal) IS 'combine function of the rfm_summary aggregates; states with different as_of are an error';

CREATE FUNCTION rfm_summary_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'rfm_summary_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION rfm_summary_serialize(internal) IS 'serialize function of the rfm_summary aggregates';

CREATE FUNCTION rfm_summary_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_summary_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION rfm_summary_deserialize(bytea, internal) IS 'deserialize function of the rfm_summary aggregates';

CREATE FUNCTION rfm_summary_final(internal)
RETURNS rfm_summary
AS 'MODULE_PATHNAME', 'rfm_summary_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_summary_final(internal) IS 'final function of rfm_summary and rfm_summary_merge; NULL when no row counted';

CREATE FUNCTION rfm_summary_partial_final(internal)
RETURNS rfm_summary_state
AS 'MODULE_PATHNAME', 'rfm_summary_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_summary_partial_final(internal) IS 'final function of rfm_summary_partial: the state as an rfm_summary_state value';

CREATE FUNCTION rfm_summary_merge_trans(internal, rfm_summary_state)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_summary_merge_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_summary_merge_trans(internal, rfm_summary_state) IS 'transition function of rfm_summary_merge; NULL states are skipped';

CREATE AGGREGATE rfm_summary(ts date, amount numeric, as_of date) (
    SFUNC = rfm_summary_trans,
    STYPE = internal,
    SSPACE = 64,
    FINALFUNC = rfm_summary_final,
    COMBINEFUNC = rfm_summary_combine,
    SERIALFUNC = rfm_summary_serialize,
    DESERIALFUNC = rfm_summary_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE rfm_summary(date, numeric, date) IS
'customer summary at as_of: recency_days, frequency (orders), monetary (exact sum), first_order, last_order; rows after as_of or with NULL ts/amount ignored; NULL when none remains';

CREATE AGGREGATE rfm_summary_partial(ts date, amount numeric, as_of date) (
    SFUNC = rfm_summary_trans,
    STYPE = internal,
    SSPACE = 64,
    FINALFUNC = rfm_summary_partial_final,
    COMBINEFUNC = rfm_summary_combine,
    SERIALFUNC = rfm_summary_serialize,
    DESERIALFUNC = rfm_summary_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE rfm_summary_partial(date, numeric, date) IS
'partial state of rfm_summary over these rows, as a transferable rfm_summary_state; combine states with rfm_summary_merge()';

CREATE AGGREGATE rfm_summary_merge(state rfm_summary_state) (
    SFUNC = rfm_summary_merge_trans,
    STYPE = internal,
    SSPACE = 64,
    FINALFUNC = rfm_summary_final,
    COMBINEFUNC = rfm_summary_combine,
    SERIALFUNC = rfm_summary_serialize,
    DESERIALFUNC = rfm_summary_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE rfm_summary_merge(rfm_summary_state) IS
'rfm_summary of the rows behind the rfm_summary_partial() states merged (NULL states skipped); states with different as_of are an error';

-- rfm_kinetic ---------------------------------------------------------------

CREATE TYPE rfm_kinetic AS (
    recency_days    int,
    frequency       bigint,
    monetary        numeric,
    first_order     date,
    last_order      date,
    orders_recent   int,
    orders_prior    int,
    revenue_recent  numeric,
    revenue_prior   numeric,
    ticket_recent   numeric,
    ticket_prior    numeric,
    frequency_trend float8,
    ticket_trend    float8,
    revenue_trend   float8,
    segment         text
);

COMMENT ON TYPE rfm_kinetic IS 'result of rfm_kinetic(): the rfm_summary fields, orders, revenue and average ticket in the recent and prior windows, their trends, and the kinetic segment';

CREATE TYPE rfm_kinetic_state;

CREATE FUNCTION rfm_kinetic_state_in(cstring)
RETURNS rfm_kinetic_state
AS 'MODULE_PATHNAME', 'rfm_kinetic_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION rfm_kinetic_state_in(cstring) IS 'text input of rfm_kinetic_state';

CREATE FUNCTION rfm_kinetic_state_out(rfm_kinetic_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'rfm_kinetic_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION rfm_kinetic_state_out(rfm_kinetic_state) IS 'text output of rfm_kinetic_state';

CREATE FUNCTION rfm_kinetic_state_recv(internal)
RETURNS rfm_kinetic_state
AS 'MODULE_PATHNAME', 'rfm_kinetic_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION rfm_kinetic_state_recv(internal) IS 'binary input of rfm_kinetic_state';

CREATE FUNCTION rfm_kinetic_state_send(rfm_kinetic_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'rfm_kinetic_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION rfm_kinetic_state_send(rfm_kinetic_state) IS 'binary output of rfm_kinetic_state';

CREATE TYPE rfm_kinetic_state (
    INPUT = rfm_kinetic_state_in,
    OUTPUT = rfm_kinetic_state_out,
    RECEIVE = rfm_kinetic_state_recv,
    SEND = rfm_kinetic_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE rfm_kinetic_state IS 'transferable partial state of rfm_kinetic: rfm_kinetic_partial() returns it, rfm_kinetic_merge() combines it; text form "v1 as_of=... window_months=... window_days=... window_usecs=... threshold=... orders=... first=... last=... monetary=... orders_recent=... revenue_recent=... orders_prior=... revenue_prior=..."';

CREATE FUNCTION rfm_kinetic_trans(internal, date, numeric, date)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_kinetic_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_kinetic_trans(internal, date, numeric, date) IS 'transition function of rfm_kinetic and rfm_kinetic_partial (window_len and threshold default to 90 days and 0.2)';

CREATE FUNCTION rfm_kinetic_trans(internal, date, numeric, date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_kinetic_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_kinetic_trans(internal, date, numeric, date, interval) IS 'transition function of rfm_kinetic and rfm_kinetic_partial (window_len and threshold default to 90 days and 0.2)';

CREATE FUNCTION rfm_kinetic_trans(internal, date, numeric, date, interval, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_kinetic_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_kinetic_trans(internal, date, numeric, date, interval, float8) IS 'transition function of rfm_kinetic and rfm_kinetic_partial (window_len and threshold default to 90 days and 0.2)';

CREATE FUNCTION rfm_kinetic_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_kinetic_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_kinetic_combine(internal, internal) IS 'combine function of the rfm_kinetic aggregates; states with different parameters are an error';

CREATE FUNCTION rfm_kinetic_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'rfm_kinetic_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION rfm_kinetic_serialize(internal) IS 'serialize function of the rfm_kinetic aggregates';

CREATE FUNCTION rfm_kinetic_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_kinetic_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION rfm_kinetic_deserialize(bytea, internal) IS 'deserialize function of the rfm_kinetic aggregates';

CREATE FUNCTION rfm_kinetic_final(internal)
RETURNS rfm_kinetic
AS 'MODULE_PATHNAME', 'rfm_kinetic_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_kinetic_final(internal) IS 'final function of rfm_kinetic and rfm_kinetic_merge; NULL when no row counted';

CREATE FUNCTION rfm_kinetic_partial_final(internal)
RETURNS rfm_kinetic_state
AS 'MODULE_PATHNAME', 'rfm_kinetic_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_kinetic_partial_final(internal) IS 'final function of rfm_kinetic_partial: the state as a rfm_kinetic_state value';

CREATE FUNCTION rfm_kinetic_merge_trans(internal, rfm_kinetic_state)
RETURNS internal
AS 'MODULE_PATHNAME', 'rfm_kinetic_merge_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_kinetic_merge_trans(internal, rfm_kinetic_state) IS 'transition function of rfm_kinetic_merge; NULL states are skipped';

CREATE AGGREGATE rfm_kinetic(ts date, amount numeric, as_of date) (
    SFUNC = rfm_kinetic_trans,
    FINALFUNC = rfm_kinetic_final,
    STYPE = internal,
    SSPACE = 160,
    COMBINEFUNC = rfm_kinetic_combine,
    SERIALFUNC = rfm_kinetic_serialize,
    DESERIALFUNC = rfm_kinetic_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE rfm_kinetic(date, numeric, date) IS
'kinetic segment of a customer at as_of: orders, revenue and ticket in the recent window (as_of - window_len, as_of] and the prior one before it, their trends, and the segment lost/new/returning/fading/growing/steady; window_len defaults to 90 days, threshold to 0.2; rows after as_of or with NULL ts/amount ignored; NULL when none remains';

CREATE AGGREGATE rfm_kinetic(ts date, amount numeric, as_of date, window_len interval) (
    SFUNC = rfm_kinetic_trans,
    FINALFUNC = rfm_kinetic_final,
    STYPE = internal,
    SSPACE = 160,
    COMBINEFUNC = rfm_kinetic_combine,
    SERIALFUNC = rfm_kinetic_serialize,
    DESERIALFUNC = rfm_kinetic_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE rfm_kinetic(date, numeric, date, interval) IS
'kinetic segment of a customer at as_of: orders, revenue and ticket in the recent window (as_of - window_len, as_of] and the prior one before it, their trends, and the segment lost/new/returning/fading/growing/steady; window_len defaults to 90 days, threshold to 0.2; rows after as_of or with NULL ts/amount ignored; NULL when none remains';

CREATE AGGREGATE rfm_kinetic(ts date, amount numeric, as_of date, window_len interval, threshold float8) (
    SFUNC = rfm_kinetic_trans,
    FINALFUNC = rfm_kinetic_final,
    STYPE = internal,
    SSPACE = 160,
    COMBINEFUNC = rfm_kinetic_combine,
    SERIALFUNC = rfm_kinetic_serialize,
    DESERIALFUNC = rfm_kinetic_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE rfm_kinetic(date, numeric, date, interval, float8) IS
'kinetic segment of a customer at as_of: orders, revenue and ticket in the recent window (as_of - window_len, as_of] and the prior one before it, their trends, and the segment lost/new/returning/fading/growing/steady; window_len defaults to 90 days, threshold to 0.2; rows after as_of or with NULL ts/amount ignored; NULL when none remains';

CREATE AGGREGATE rfm_kinetic_partial(ts date, amount numeric, as_of date) (
    SFUNC = rfm_kinetic_trans,
    FINALFUNC = rfm_kinetic_partial_final,
    STYPE = internal,
    SSPACE = 160,
    COMBINEFUNC = rfm_kinetic_combine,
    SERIALFUNC = rfm_kinetic_serialize,
    DESERIALFUNC = rfm_kinetic_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE rfm_kinetic_partial(date, numeric, date) IS
'partial state of rfm_kinetic over these rows, as a transferable rfm_kinetic_state; combine states with rfm_kinetic_merge()';

CREATE AGGREGATE rfm_kinetic_partial(ts date, amount numeric, as_of date, window_len interval) (
    SFUNC = rfm_kinetic_trans,
    FINALFUNC = rfm_kinetic_partial_final,
    STYPE = internal,
    SSPACE = 160,
    COMBINEFUNC = rfm_kinetic_combine,
    SERIALFUNC = rfm_kinetic_serialize,
    DESERIALFUNC = rfm_kinetic_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE rfm_kinetic_partial(date, numeric, date, interval) IS
'partial state of rfm_kinetic over these rows, as a transferable rfm_kinetic_state; combine states with rfm_kinetic_merge()';

CREATE AGGREGATE rfm_kinetic_partial(ts date, amount numeric, as_of date, window_len interval, threshold float8) (
    SFUNC = rfm_kinetic_trans,
    FINALFUNC = rfm_kinetic_partial_final,
    STYPE = internal,
    SSPACE = 160,
    COMBINEFUNC = rfm_kinetic_combine,
    SERIALFUNC = rfm_kinetic_serialize,
    DESERIALFUNC = rfm_kinetic_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE rfm_kinetic_partial(date, numeric, date, interval, float8) IS
'partial state of rfm_kinetic over these rows, as a transferable rfm_kinetic_state; combine states with rfm_kinetic_merge()';

CREATE AGGREGATE rfm_kinetic_merge(state rfm_kinetic_state) (
    SFUNC = rfm_kinetic_merge_trans,
    FINALFUNC = rfm_kinetic_final,
    STYPE = internal,
    SSPACE = 160,
    COMBINEFUNC = rfm_kinetic_combine,
    SERIALFUNC = rfm_kinetic_serialize,
    DESERIALFUNC = rfm_kinetic_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE rfm_kinetic_merge(rfm_kinetic_state) IS
'rfm_kinetic of the rows behind the rfm_kinetic_partial() states merged (NULL states skipped); states with different as_of, window_len or threshold are an error';

-- btyd_summary --------------------------------------------------------------

CREATE TYPE btyd_summary AS (
    frequency       int,
    recency         float8,
    t               float8,
    monetary        numeric
);

COMMENT ON TYPE btyd_summary IS 'result of btyd_summary(): frequency (repeat purchase days), recency and t in time units, monetary (mean repeat-day amount), as lifetimes summary_data_from_transaction_data';

CREATE TYPE btyd_summary_state;

CREATE FUNCTION btyd_summary_state_in(cstring)
RETURNS btyd_summary_state
AS 'MODULE_PATHNAME', 'btyd_summary_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_summary_state_in(cstring) IS 'text input of btyd_summary_state';

CREATE FUNCTION btyd_summary_state_out(btyd_summary_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'btyd_summary_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_summary_state_out(btyd_summary_state) IS 'text output of btyd_summary_state';

CREATE FUNCTION btyd_summary_state_recv(internal)
RETURNS btyd_summary_state
AS 'MODULE_PATHNAME', 'btyd_summary_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_summary_state_recv(internal) IS 'binary input of btyd_summary_state';

CREATE FUNCTION btyd_summary_state_send(btyd_summary_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'btyd_summary_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_summary_state_send(btyd_summary_state) IS 'binary output of btyd_summary_state';

CREATE TYPE btyd_summary_state (
    INPUT = btyd_summary_state_in,
    OUTPUT = btyd_summary_state_out,
    RECEIVE = btyd_summary_state_recv,
    SEND = btyd_summary_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE btyd_summary_state IS 'transferable partial state of btyd_summary: btyd_summary_partial() returns it, btyd_summary_merge() combines it; text form "v1 as_of=... time_unit_days=... first_day_sum=... repeat_sum=... days=YYYY-MM-DD,..." (days strictly increasing, or none)';

CREATE FUNCTION btyd_summary_trans(internal, date, numeric, date)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION btyd_summary_trans(internal, date, numeric, date) IS 'transition function of btyd_summary and btyd_summary_partial (time_unit defaults to 1 day)';

CREATE FUNCTION btyd_summary_trans(internal, date, numeric, date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION btyd_summary_trans(internal, date, numeric, date, interval) IS 'transition function of btyd_summary and btyd_summary_partial (time_unit defaults to 1 day)';

CREATE FUNCTION btyd_summary_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION btyd_summary_combine(internal, internal) IS 'combine function of the btyd_summary aggregates; states with different parameters are an error';

CREATE FUNCTION btyd_summary_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'btyd_summary_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_summary_serialize(internal) IS 'serialize function of the btyd_summary aggregates';

CREATE FUNCTION btyd_summary_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_summary_deserialize(bytea, internal) IS 'deserialize function of the btyd_summary aggregates';

CREATE FUNCTION btyd_summary_final(internal)
RETURNS btyd_summary
AS 'MODULE_PATHNAME', 'btyd_summary_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION btyd_summary_final(internal) IS 'final function of btyd_summary and btyd_summary_merge; NULL when no row counted';

CREATE FUNCTION btyd_summary_partial_final(internal)
RETURNS btyd_summary_state
AS 'MODULE_PATHNAME', 'btyd_summary_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION btyd_summary_partial_final(internal) IS 'final function of btyd_summary_partial: the state as a btyd_summary_state value';

CREATE FUNCTION btyd_summary_merge_trans(internal, btyd_summary_state)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_summary_merge_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION btyd_summary_merge_trans(internal, btyd_summary_state) IS 'transition function of btyd_summary_merge; NULL states are skipped';

CREATE AGGREGATE btyd_summary(ts date, amount numeric, as_of date) (
    SFUNC = btyd_summary_trans,
    FINALFUNC = btyd_summary_final,
    STYPE = internal,
    SSPACE = 128,
    COMBINEFUNC = btyd_summary_combine,
    SERIALFUNC = btyd_summary_serialize,
    DESERIALFUNC = btyd_summary_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE btyd_summary(date, numeric, date) IS
'customer-base summary for buy-till-you-die models as lifetimes summary_data_from_transaction_data(freq=''D''): same-day purchases are one; frequency = purchase days - 1, recency = (last day - first day) / time_unit, t = (as_of - first day) / time_unit, monetary = mean of the repeat days'' sums (0 when none); time_unit defaults to 1 day; rows after as_of or with NULL ts/amount ignored; NULL when none remains';

CREATE AGGREGATE btyd_summary(ts date, amount numeric, as_of date, time_unit interval) (
    SFUNC = btyd_summary_trans,
    FINALFUNC = btyd_summary_final,
    STYPE = internal,
    SSPACE = 128,
    COMBINEFUNC = btyd_summary_combine,
    SERIALFUNC = btyd_summary_serialize,
    DESERIALFUNC = btyd_summary_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE btyd_summary(date, numeric, date, interval) IS
'customer-base summary for buy-till-you-die models as lifetimes summary_data_from_transaction_data(freq=''D''): same-day purchases are one; frequency = purchase days - 1, recency = (last day - first day) / time_unit, t = (as_of - first day) / time_unit, monetary = mean of the repeat days'' sums (0 when none); time_unit defaults to 1 day; rows after as_of or with NULL ts/amount ignored; NULL when none remains';

CREATE AGGREGATE btyd_summary_partial(ts date, amount numeric, as_of date) (
    SFUNC = btyd_summary_trans,
    FINALFUNC = btyd_summary_partial_final,
    STYPE = internal,
    SSPACE = 128,
    COMBINEFUNC = btyd_summary_combine,
    SERIALFUNC = btyd_summary_serialize,
    DESERIALFUNC = btyd_summary_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE btyd_summary_partial(date, numeric, date) IS
'partial state of btyd_summary over these rows, as a transferable btyd_summary_state; combine states with btyd_summary_merge()';

CREATE AGGREGATE btyd_summary_partial(ts date, amount numeric, as_of date, time_unit interval) (
    SFUNC = btyd_summary_trans,
    FINALFUNC = btyd_summary_partial_final,
    STYPE = internal,
    SSPACE = 128,
    COMBINEFUNC = btyd_summary_combine,
    SERIALFUNC = btyd_summary_serialize,
    DESERIALFUNC = btyd_summary_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE btyd_summary_partial(date, numeric, date, interval) IS
'partial state of btyd_summary over these rows, as a transferable btyd_summary_state; combine states with btyd_summary_merge()';

CREATE AGGREGATE btyd_summary_merge(state btyd_summary_state) (
    SFUNC = btyd_summary_merge_trans,
    FINALFUNC = btyd_summary_final,
    STYPE = internal,
    SSPACE = 128,
    COMBINEFUNC = btyd_summary_combine,
    SERIALFUNC = btyd_summary_serialize,
    DESERIALFUNC = btyd_summary_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE btyd_summary_merge(btyd_summary_state) IS
'btyd_summary of the rows behind the btyd_summary_partial() states merged (NULL states skipped); states with different as_of or time_unit are an error';

------------------------------------------------------------------------------
-- bgnbd (src/bgnbd.c): the BG/NBD model of Fader, Hardie & Lee (2005):
-- bgnbd_fit with its _partial/_merge pair, P(alive), expected purchases
------------------------------------------------------------------------------

CREATE TYPE bgnbd_model AS (
    r float8,
    alpha float8,
    a float8,
    b float8,
    log_likelihood float8,
    customers bigint,
    converged boolean
);

COMMENT ON TYPE bgnbd_model IS
'a fitted BG/NBD model: purchase rates ~ Gamma(r, alpha), dropout probability ~ Beta(a, b), with the maximised log-likelihood, the number of customers and whether the fit converged';

-- The transferable state of bgnbd_fit: distinct (frequency, recency, t)
-- summaries with customer counts.
CREATE TYPE bgnbd_fit_state;

CREATE FUNCTION bgnbd_fit_state_in(cstring)
RETURNS bgnbd_fit_state
AS 'MODULE_PATHNAME', 'bgnbd_fit_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_state_in(cstring) IS
'input function of bgnbd_fit_state: "1:" then (frequency,recency,t,customers) entries separated by commas';

CREATE FUNCTION bgnbd_fit_state_out(bgnbd_fit_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'bgnbd_fit_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_state_out(bgnbd_fit_state) IS
'output function of bgnbd_fit_state: entries sorted, floats in shortest exact form';

CREATE FUNCTION bgnbd_fit_state_recv(internal)
RETURNS bgnbd_fit_state
AS 'MODULE_PATHNAME', 'bgnbd_fit_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_state_recv(internal) IS
'binary input function of bgnbd_fit_state';

CREATE FUNCTION bgnbd_fit_state_send(bgnbd_fit_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'bgnbd_fit_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_state_send(bgnbd_fit_state) IS
'binary output function of bgnbd_fit_state: int32 version, int64 count, then per entry int32 frequency, float8 recency, float8 t, int64 customers';

CREATE TYPE bgnbd_fit_state (
    INPUT = bgnbd_fit_state_in,
    OUTPUT = bgnbd_fit_state_out,
    RECEIVE = bgnbd_fit_state_recv,
    SEND = bgnbd_fit_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

COMMENT ON TYPE bgnbd_fit_state IS
'partial state of bgnbd_fit (from bgnbd_fit_partial, for bgnbd_fit_merge): distinct customer summaries with counts';

-- aggregate support functions
CREATE FUNCTION bgnbd_fit_transfn(internal, int, float8, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_fit_transfn'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_transfn(internal, int, float8, float8) IS
'transition function of bgnbd_fit and bgnbd_fit_partial; skips rows with a NULL argument';

CREATE FUNCTION bgnbd_fit_combinefn(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_fit_combinefn'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_combinefn(internal, internal) IS
'combine function of bgnbd_fit, bgnbd_fit_partial and bgnbd_fit_merge; a NULL state is empty';

CREATE FUNCTION bgnbd_fit_serialfn(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'bgnbd_fit_serialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_serialfn(internal) IS
'serialize function of the bgnbd_fit aggregates';

CREATE FUNCTION bgnbd_fit_deserialfn(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_fit_deserialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_deserialfn(bytea, internal) IS
'deserialize function of the bgnbd_fit aggregates';

CREATE FUNCTION bgnbd_fit_finalfn(internal)
RETURNS bgnbd_model
AS 'MODULE_PATHNAME', 'bgnbd_fit_finalfn'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_finalfn(internal) IS
'final function of bgnbd_fit and bgnbd_fit_merge: the maximum-likelihood fit; NULL without customers';

CREATE FUNCTION bgnbd_fit_partial_finalfn(internal)
RETURNS bgnbd_fit_state
AS 'MODULE_PATHNAME', 'bgnbd_fit_partial_finalfn'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_partial_finalfn(internal) IS
'final function of bgnbd_fit_partial: the state as a bgnbd_fit_state value; NULL without customers';

CREATE FUNCTION bgnbd_fit_merge_transfn(internal, bgnbd_fit_state)
RETURNS internal
AS 'MODULE_PATHNAME', 'bgnbd_fit_merge_transfn'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_merge_transfn(internal, bgnbd_fit_state) IS
'transition function of bgnbd_fit_merge; skips NULL states';

-- SSPACE: the initial state holds 1024 distinct summaries of 32 bytes.
CREATE AGGREGATE bgnbd_fit(frequency int, recency float8, t float8) (
    SFUNC = bgnbd_fit_transfn,
    STYPE = internal,
    SSPACE = 32832,
    FINALFUNC = bgnbd_fit_finalfn,
    COMBINEFUNC = bgnbd_fit_combinefn,
    SERIALFUNC = bgnbd_fit_serialfn,
    DESERIALFUNC = bgnbd_fit_deserialfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE bgnbd_fit(int, float8, float8) IS
'maximum-likelihood BG/NBD fit (Fader, Hardie & Lee 2005) over customer summaries (frequency = repeat purchases, recency, t, as btyd_summary returns them); rows with a NULL argument are skipped; NULL without customers; converged = false when the optimiser did not reach a maximum';

CREATE AGGREGATE bgnbd_fit_partial(frequency int, recency float8, t float8) (
    SFUNC = bgnbd_fit_transfn,
    STYPE = internal,
    SSPACE = 32832,
    FINALFUNC = bgnbd_fit_partial_finalfn,
    COMBINEFUNC = bgnbd_fit_combinefn,
    SERIALFUNC = bgnbd_fit_serialfn,
    DESERIALFUNC = bgnbd_fit_deserialfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE bgnbd_fit_partial(int, float8, float8) IS
'the state of bgnbd_fit as a transferable bgnbd_fit_state value, to be merged by bgnbd_fit_merge (e.g. one per shard); NULL without customers';

CREATE AGGREGATE bgnbd_fit_merge(state bgnbd_fit_state) (
    SFUNC = bgnbd_fit_merge_transfn,
    STYPE = internal,
    SSPACE = 32832,
    FINALFUNC = bgnbd_fit_finalfn,
    COMBINEFUNC = bgnbd_fit_combinefn,
    SERIALFUNC = bgnbd_fit_serialfn,
    DESERIALFUNC = bgnbd_fit_deserialfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE bgnbd_fit_merge(bgnbd_fit_state) IS
'bgnbd_fit over the customers of several bgnbd_fit_partial states; NULL states are skipped; NULL without customers';

-- using a model
CREATE FUNCTION bgnbd_p_alive(model bgnbd_model, frequency int, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'bgnbd_p_alive'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_p_alive(bgnbd_model, int, float8, float8) IS
'BG/NBD probability that a customer with this summary is still active: 1 / (1 + [frequency > 0] a/(b+frequency-1) ((alpha+t)/(alpha+recency))^(r+frequency)); 1 when frequency = 0';

CREATE FUNCTION bgnbd_expected(model bgnbd_model, horizon float8, frequency int, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'bgnbd_expected'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_expected(bgnbd_model, float8, int, float8, float8) IS
'BG/NBD expected purchases of a customer with this summary in the next horizon time units (Fader, Hardie & Lee 2005, eq. 10)';

CREATE FUNCTION bgnbd_expected_new(model bgnbd_model, horizon float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'bgnbd_expected_new'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_expected_new(bgnbd_model, float8) IS
'BG/NBD expected repeat purchases of a new customer in its first horizon time units, E[X(horizon)] (Fader, Hardie & Lee 2005, eq. 7)';
