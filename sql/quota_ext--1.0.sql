/* quota_ext--1.0.sql: sales quota, deal, lead and segmentation arithmetic */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION quota_ext" to load this file. \quit

-- Every object is written in C, IMMUTABLE (no result depends on the clock, a
-- GUC or a table), PARALLEL SAFE, and STRICT unless its comment says how it
-- treats NULL.  No object refers to another by name, so the extension can
-- live in any schema and be called schema-qualified from any search_path.

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

-- (issue 3: rfm_summary, btyd_summary, rfm_kinetic)
