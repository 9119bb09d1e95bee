-- quota_ext 1.1 -> 1.2.  A fresh 1.2 runs quota_ext--1.0.sql and the deltas
-- after it (1.0--1.1, 1.1--1.2), as contrib does: no full script is kept by
-- hand next to the chain.
\echo Use "ALTER EXTENSION quota_ext UPDATE TO '1.2'" to load this file. \quit

-- ---------------------------------------------------------------------------
-- One naming scheme for aggregate support functions (issue 9)
-- ---------------------------------------------------------------------------
-- Every aggregate X names its support functions X_trans, X_final,
-- X_partial_final, X_combine, X_serialize, X_deserialize and X_merge_trans,
-- and its state type's I/O X_state_in/_out/_recv/_send.  bgnbd_fit's came
-- in 1.1 as *fn; renaming keeps the aggregates that use them (and their C
-- symbols, which the SQL names do not touch).
ALTER FUNCTION bgnbd_fit_transfn(internal, int, float8, float8) RENAME TO bgnbd_fit_trans;
ALTER FUNCTION bgnbd_fit_combinefn(internal, internal) RENAME TO bgnbd_fit_combine;
ALTER FUNCTION bgnbd_fit_serialfn(internal) RENAME TO bgnbd_fit_serialize;
ALTER FUNCTION bgnbd_fit_deserialfn(bytea, internal) RENAME TO bgnbd_fit_deserialize;
ALTER FUNCTION bgnbd_fit_finalfn(internal) RENAME TO bgnbd_fit_final;
ALTER FUNCTION bgnbd_fit_partial_finalfn(internal) RENAME TO bgnbd_fit_partial_final;
ALTER FUNCTION bgnbd_fit_merge_transfn(internal, bgnbd_fit_state) RENAME TO bgnbd_fit_merge_trans;


-- ---------------------------------------------------------------------------
-- Derived money rounded (SPEC §0, README "Money")
-- ---------------------------------------------------------------------------
-- 1.2's C functions round an average, a share of a quota, a per-day
-- requirement and a run rate half away from zero to the scale of the money
-- they derive from, at least 2 decimals; the comments say so.
COMMENT ON FUNCTION quota_status(numeric, numeric, date, date, date, date[], boolean) IS
'plan/fact of a quota over the inclusive period at as_of: counted days, expected to date, attainment, pace, run-rate forecast, gap, required per day, on track; expected to date, forecast and required per day rounded half away from zero to the scale of quota, actual and the gap (at least 2 decimals), pace and on track from the unrounded figures';
COMMENT ON FUNCTION quota_steps(numeric, date, date, int, date[], boolean) IS
'the period as numbered checkpoints: step k is due on the earliest counted day by which ceil(total*k/steps) counted days have passed, with target quota*k/steps rounded half away from zero to the scale of quota (at least 2 decimals), the last exactly quota';
COMMENT ON TYPE btyd_summary IS 'result of btyd_summary(): frequency (repeat purchase days), recency and t in time units, monetary (mean repeat-day amount, rounded to the scale of the amounts, at least 2 decimals), as lifetimes summary_data_from_transaction_data';
COMMENT ON AGGREGATE btyd_summary(date, numeric, date) IS
'customer-base summary for buy-till-you-die models as lifetimes summary_data_from_transaction_data(freq=''D''): same-day purchases are one; frequency = purchase days - 1, recency = (last day - first day) / time_unit, t = (as_of - first day) / time_unit, monetary = mean of the repeat days'' sums (0 when none) rounded half away from zero to the scale of the amounts, at least 2 decimals; time_unit defaults to 1 day; rows after as_of or with NULL ts/amount ignored; NULL when none remains';
COMMENT ON AGGREGATE btyd_summary(date, numeric, date, interval) IS
'customer-base summary for buy-till-you-die models as lifetimes summary_data_from_transaction_data(freq=''D''): same-day purchases are one; frequency = purchase days - 1, recency = (last day - first day) / time_unit, t = (as_of - first day) / time_unit, monetary = mean of the repeat days'' sums (0 when none) rounded half away from zero to the scale of the amounts, at least 2 decimals; time_unit defaults to 1 day; rows after as_of or with NULL ts/amount ignored; NULL when none remains';
COMMENT ON AGGREGATE rfm_kinetic(date, numeric, date) IS
'kinetic segment of a customer at as_of: orders, revenue and ticket (rounded half away from zero to the scale of the amounts, at least 2 decimals) in the recent window (as_of - window_len, as_of] and the prior one before it, their trends from the exact sums, and the segment lost/new/returning/fading/growing/steady; window_len defaults to 90 days, threshold to 0.2; rows after as_of or with NULL ts/amount ignored; NULL when none remains';
COMMENT ON AGGREGATE rfm_kinetic(date, numeric, date, interval) IS
'kinetic segment of a customer at as_of: orders, revenue and ticket (rounded half away from zero to the scale of the amounts, at least 2 decimals) in the recent window (as_of - window_len, as_of] and the prior one before it, their trends from the exact sums, and the segment lost/new/returning/fading/growing/steady; window_len defaults to 90 days, threshold to 0.2; rows after as_of or with NULL ts/amount ignored; NULL when none remains';
COMMENT ON AGGREGATE rfm_kinetic(date, numeric, date, interval, float8) IS
'kinetic segment of a customer at as_of: orders, revenue and ticket (rounded half away from zero to the scale of the amounts, at least 2 decimals) in the recent window (as_of - window_len, as_of] and the prior one before it, their trends from the exact sums, and the segment lost/new/returning/fading/growing/steady; window_len defaults to 90 days, threshold to 0.2; rows after as_of or with NULL ts/amount ignored; NULL when none remains';


-- ---------------------------------------------------------------------------
-- Real state types for the aggregates (Citus splits them, SPEC §7)
-- ---------------------------------------------------------------------------

-- X_merge keeps its working state in X_state itself (not internal), with
-- X_state_combine as transition and combine function, so Citus runs its
-- partial aggregation on the workers and PostgreSQL ships the state between
-- parallel workers in its binary form (src/state_merge.c).  X_merge is
-- re-declared in place with CREATE OR REPLACE AGGREGATE (same signature and
-- result, new state type), so a user's view over X_merge keeps working and
-- does not block the update (until 1.3 this script dropped and re-created
-- them, and such a view stopped the update).  OR REPLACE is safe here: the
-- aggregate is already a member of the extension (PostgreSQL refuses to
-- replace an object the extension does not own).  The top-level
-- aggregates keep internal states: the real type cost them more than 10 %
-- on one node (bench/state_design.sh).

CREATE FUNCTION rfm_summary_state_combine(rfm_summary_state, rfm_summary_state)
RETURNS rfm_summary_state
AS 'MODULE_PATHNAME', 'rfm_summary_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_summary_state_combine(rfm_summary_state, rfm_summary_state) IS 'transition and combine function of rfm_summary_merge: the two states merged; NULL states are skipped; states with different parameters are an error';

CREATE FUNCTION rfm_summary_state_final(rfm_summary_state)
RETURNS rfm_summary
AS 'MODULE_PATHNAME', 'rfm_summary_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_summary_state_final(rfm_summary_state) IS 'final function of rfm_summary_merge: rfm_summary''s result from a merged state';

CREATE OR REPLACE AGGREGATE rfm_summary_merge(state rfm_summary_state) (
    SFUNC = rfm_summary_state_combine,
    STYPE = rfm_summary_state,
    SSPACE = 64,
    FINALFUNC = rfm_summary_state_final,
    COMBINEFUNC = rfm_summary_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE rfm_summary_merge(rfm_summary_state) IS
'rfm_summary of the rows behind the rfm_summary_partial() states merged (NULL states skipped); states with different as_of are an error';

CREATE FUNCTION btyd_summary_state_combine(btyd_summary_state, btyd_summary_state)
RETURNS btyd_summary_state
AS 'MODULE_PATHNAME', 'btyd_summary_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION btyd_summary_state_combine(btyd_summary_state, btyd_summary_state) IS 'transition and combine function of btyd_summary_merge: the two states merged; NULL states are skipped; states with different parameters are an error';

CREATE FUNCTION btyd_summary_state_final(btyd_summary_state)
RETURNS btyd_summary
AS 'MODULE_PATHNAME', 'btyd_summary_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION btyd_summary_state_final(btyd_summary_state) IS 'final function of btyd_summary_merge: btyd_summary''s result from a merged state';

CREATE OR REPLACE AGGREGATE btyd_summary_merge(state btyd_summary_state) (
    SFUNC = btyd_summary_state_combine,
    STYPE = btyd_summary_state,
    SSPACE = 128,
    FINALFUNC = btyd_summary_state_final,
    COMBINEFUNC = btyd_summary_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE btyd_summary_merge(btyd_summary_state) IS
'btyd_summary of the rows behind the btyd_summary_partial() states merged (NULL states skipped); states with different as_of or time_unit are an error';

CREATE FUNCTION rfm_kinetic_state_combine(rfm_kinetic_state, rfm_kinetic_state)
RETURNS rfm_kinetic_state
AS 'MODULE_PATHNAME', 'rfm_kinetic_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_kinetic_state_combine(rfm_kinetic_state, rfm_kinetic_state) IS 'transition and combine function of rfm_kinetic_merge: the two states merged; NULL states are skipped; states with different parameters are an error';

CREATE FUNCTION rfm_kinetic_state_final(rfm_kinetic_state)
RETURNS rfm_kinetic
AS 'MODULE_PATHNAME', 'rfm_kinetic_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION rfm_kinetic_state_final(rfm_kinetic_state) IS 'final function of rfm_kinetic_merge: rfm_kinetic''s result from a merged state';

CREATE OR REPLACE AGGREGATE rfm_kinetic_merge(state rfm_kinetic_state) (
    SFUNC = rfm_kinetic_state_combine,
    STYPE = rfm_kinetic_state,
    SSPACE = 160,
    FINALFUNC = rfm_kinetic_state_final,
    COMBINEFUNC = rfm_kinetic_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE rfm_kinetic_merge(rfm_kinetic_state) IS
'rfm_kinetic of the rows behind the rfm_kinetic_partial() states merged (NULL states skipped); states with different as_of, window_len or threshold are an error';

CREATE FUNCTION demand_cv_state_combine(demand_cv_state, demand_cv_state)
RETURNS demand_cv_state
AS 'MODULE_PATHNAME', 'demand_cv_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION demand_cv_state_combine(demand_cv_state, demand_cv_state) IS 'transition and combine function of demand_cv_merge: the two states merged; NULL states are skipped; states with different parameters are an error';

CREATE FUNCTION demand_cv_state_final(demand_cv_state)
RETURNS float8
AS 'MODULE_PATHNAME', 'demand_cv_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION demand_cv_state_final(demand_cv_state) IS 'final function of demand_cv_merge: demand_cv''s result from a merged state';

CREATE OR REPLACE AGGREGATE demand_cv_merge(state demand_cv_state) (
    SFUNC = demand_cv_state_combine,
    STYPE = demand_cv_state,
    SSPACE = 8100,
    FINALFUNC = demand_cv_state_final,
    COMBINEFUNC = demand_cv_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE demand_cv_merge(demand_cv_state) IS
'demand_cv of the rows behind the merged demand_cv_partial states; states with different parameters are an error';

CREATE FUNCTION bgnbd_fit_state_combine(bgnbd_fit_state, bgnbd_fit_state)
RETURNS bgnbd_fit_state
AS 'MODULE_PATHNAME', 'bgnbd_fit_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_state_combine(bgnbd_fit_state, bgnbd_fit_state) IS 'transition and combine function of bgnbd_fit_merge: the two states merged; NULL states are skipped; states with different parameters are an error';

CREATE FUNCTION bgnbd_fit_state_final(bgnbd_fit_state)
RETURNS bgnbd_model
AS 'MODULE_PATHNAME', 'bgnbd_fit_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION bgnbd_fit_state_final(bgnbd_fit_state) IS 'final function of bgnbd_fit_merge: bgnbd_fit''s result from a merged state';

CREATE OR REPLACE AGGREGATE bgnbd_fit_merge(state bgnbd_fit_state) (
    SFUNC = bgnbd_fit_state_combine,
    STYPE = bgnbd_fit_state,
    SSPACE = 32832,
    FINALFUNC = bgnbd_fit_state_final,
    COMBINEFUNC = bgnbd_fit_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE bgnbd_fit_merge(bgnbd_fit_state) IS
'bgnbd_fit over the customers of several bgnbd_fit_partial states; NULL states are skipped; NULL without customers';

-- ---------------------------------------------------------------------------
-- §9 Labels for people and for charts
-- ---------------------------------------------------------------------------
-- (src/labels.c) Colours: the n-class ColorBrewer RdYlBu scheme for a kind of
-- n codes, colour-blind safe, blue for rank 1 (best news) to red for the last
-- rank; rfm's Others neutral grey.

CREATE FUNCTION quota_label_catalog()
RETURNS TABLE(kind text, code text, rank int, color text, en text, ru text, bg text)
AS 'MODULE_PATHNAME', 'quota_label_catalog'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 33;

COMMENT ON FUNCTION quota_label_catalog() IS
'the rows of the quota_labels view: every code a function of quota_ext returns from a fixed set, with rank, colour and English, Russian and Bulgarian labels';

CREATE VIEW quota_labels AS
SELECT kind, code, rank, color, en, ru, bg FROM quota_label_catalog();

COMMENT ON VIEW quota_labels IS
'label catalog, one row per code of kinds kinetic, rfm, heat, abc, xyz, lead_class, priority: rank 1 = best news; color #rrggbb from ColorBrewer RdYlBu (colour-blind safe; blue best, red worst, Others grey); en, ru, bg as a head of sales says it';

CREATE FUNCTION quota_label(kind text, code text, lang text DEFAULT 'en')
RETURNS text
AS 'MODULE_PATHNAME', 'quota_label'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION quota_label(text, text, text) IS
'the label of a code in en, ru or bg; the code itself when the catalog does not know it; unknown kind or lang is an error';

CREATE FUNCTION quota_label_rank(kind text, code text)
RETURNS int
AS 'MODULE_PATHNAME', 'quota_label_rank'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION quota_label_rank(text, text) IS
'the rank of a code within its kind, 1 the best news; NULL for a code the catalog does not know; unknown kind is an error';


-- ---------------------------------------------------------------------------
-- §10 The pipeline forecast
-- ---------------------------------------------------------------------------

-- pipeline_forecast (src/pipeline_forecast.c): the distribution of the amount
-- that closes from open deals (amount, probability), with its
-- _partial/_merge pair.  The top-level aggregate keeps an internal state (the
-- deals, 16 bytes each) with serialize/deserialize; pipeline_forecast_merge
-- keeps the real type pipeline_forecast_state, so Citus runs its partial
-- aggregation on the workers (SPEC §7).  SSPACE: 500 open deals.

CREATE TYPE pipeline_forecast AS (
    deals    bigint,
    expected numeric,
    stddev   float8,
    p_target float8,
    p10      numeric,
    p50      numeric,
    p90      numeric
);

COMMENT ON TYPE pipeline_forecast IS 'result of pipeline_forecast(): deals counted, expected amount (sum of amount x probability), its standard deviation, P(closed amount >= target), and the 10/50/90 % quantiles of the closed amount (p10 to commit, p90 the best case)';

CREATE TYPE pipeline_forecast_state;

CREATE FUNCTION pipeline_forecast_state_in(cstring)
RETURNS pipeline_forecast_state
AS 'MODULE_PATHNAME', 'pipeline_forecast_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_state_in(cstring) IS 'text input of pipeline_forecast_state';

CREATE FUNCTION pipeline_forecast_state_out(pipeline_forecast_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'pipeline_forecast_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_state_out(pipeline_forecast_state) IS 'text output of pipeline_forecast_state';

CREATE FUNCTION pipeline_forecast_state_recv(internal)
RETURNS pipeline_forecast_state
AS 'MODULE_PATHNAME', 'pipeline_forecast_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_state_recv(internal) IS 'binary input of pipeline_forecast_state';

CREATE FUNCTION pipeline_forecast_state_send(pipeline_forecast_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'pipeline_forecast_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_state_send(pipeline_forecast_state) IS 'binary output of pipeline_forecast_state';

CREATE TYPE pipeline_forecast_state (
    INPUT = pipeline_forecast_state_in,
    OUTPUT = pipeline_forecast_state_out,
    RECEIVE = pipeline_forecast_state_recv,
    SEND = pipeline_forecast_state_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE pipeline_forecast_state IS 'transferable partial state of pipeline_forecast: pipeline_forecast_partial() returns it, pipeline_forecast_merge() combines it; text form "v1 deals=N scale=S target=X|none expected=X coarse=0|1 open=amount@probability,...|none" (open deals are those with probability > 0 and amount > 0)';

CREATE FUNCTION pipeline_forecast_trans(internal, numeric, float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'pipeline_forecast_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_trans(internal, numeric, float8) IS 'transition function of pipeline_forecast and pipeline_forecast_partial without a target; rows with a NULL amount or probability are skipped';

CREATE FUNCTION pipeline_forecast_trans(internal, numeric, float8, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'pipeline_forecast_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_trans(internal, numeric, float8, numeric) IS 'transition function of pipeline_forecast and pipeline_forecast_partial with a target; rows with a NULL amount or probability are skipped, a NULL or changing target is an error';

CREATE FUNCTION pipeline_forecast_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'pipeline_forecast_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_combine(internal, internal) IS 'combine function of pipeline_forecast and pipeline_forecast_partial; states with different targets are an error';

CREATE FUNCTION pipeline_forecast_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'pipeline_forecast_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_serialize(internal) IS 'serialize function of pipeline_forecast and pipeline_forecast_partial';

CREATE FUNCTION pipeline_forecast_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'pipeline_forecast_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_deserialize(bytea, internal) IS 'deserialize function of pipeline_forecast and pipeline_forecast_partial';

CREATE FUNCTION pipeline_forecast_final(internal)
RETURNS pipeline_forecast
AS 'MODULE_PATHNAME', 'pipeline_forecast_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_final(internal) IS 'final function of pipeline_forecast: the distribution of the closed amount and its fields; NULL when no deal counted';

CREATE FUNCTION pipeline_forecast_partial_final(internal)
RETURNS pipeline_forecast_state
AS 'MODULE_PATHNAME', 'pipeline_forecast_partial_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_partial_final(internal) IS 'final function of pipeline_forecast_partial: the state as a pipeline_forecast_state value';

CREATE FUNCTION pipeline_forecast_state_combine(pipeline_forecast_state, pipeline_forecast_state)
RETURNS pipeline_forecast_state
AS 'MODULE_PATHNAME', 'pipeline_forecast_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_state_combine(pipeline_forecast_state, pipeline_forecast_state) IS 'the state of the deals of both states (transition and combine function of pipeline_forecast_merge); a NULL state is skipped; different targets are an error';

CREATE FUNCTION pipeline_forecast_state_final(pipeline_forecast_state)
RETURNS pipeline_forecast
AS 'MODULE_PATHNAME', 'pipeline_forecast_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION pipeline_forecast_state_final(pipeline_forecast_state) IS 'final function of pipeline_forecast_merge: pipeline_forecast of the deals in the state; NULL when none';

CREATE AGGREGATE pipeline_forecast(amount numeric, probability float8) (
    SFUNC = pipeline_forecast_trans,
    FINALFUNC = pipeline_forecast_final,
    STYPE = internal,
    SSPACE = 8192,
    COMBINEFUNC = pipeline_forecast_combine,
    SERIALFUNC = pipeline_forecast_serialize,
    DESERIALFUNC = pipeline_forecast_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE pipeline_forecast(numeric, float8) IS
'distribution of the amount that closes from open deals (amount, probability), deals independent: deals, expected, stddev, p_target NULL, p10/p50/p90; exact while the subset sums take at most 2^20 values, else on a grid (README); rows with a NULL amount or probability ignored; NULL when none remains';

CREATE AGGREGATE pipeline_forecast(amount numeric, probability float8, target numeric) (
    SFUNC = pipeline_forecast_trans,
    FINALFUNC = pipeline_forecast_final,
    STYPE = internal,
    SSPACE = 8192,
    COMBINEFUNC = pipeline_forecast_combine,
    SERIALFUNC = pipeline_forecast_serialize,
    DESERIALFUNC = pipeline_forecast_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE pipeline_forecast(numeric, float8, numeric) IS
'distribution of the amount that closes from open deals (amount, probability), deals independent, and p_target = P(closed amount >= target), 1 when target <= 0: deals, expected, stddev, p_target, p10/p50/p90; exact while the subset sums take at most 2^20 values, else on a grid (README); rows with a NULL amount or probability ignored; NULL when none remains';

CREATE AGGREGATE pipeline_forecast_partial(amount numeric, probability float8) (
    SFUNC = pipeline_forecast_trans,
    FINALFUNC = pipeline_forecast_partial_final,
    STYPE = internal,
    SSPACE = 8192,
    COMBINEFUNC = pipeline_forecast_combine,
    SERIALFUNC = pipeline_forecast_serialize,
    DESERIALFUNC = pipeline_forecast_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE pipeline_forecast_partial(numeric, float8) IS
'partial state of pipeline_forecast over these rows, as a transferable pipeline_forecast_state; combine states with pipeline_forecast_merge()';

CREATE AGGREGATE pipeline_forecast_partial(amount numeric, probability float8, target numeric) (
    SFUNC = pipeline_forecast_trans,
    FINALFUNC = pipeline_forecast_partial_final,
    STYPE = internal,
    SSPACE = 8192,
    COMBINEFUNC = pipeline_forecast_combine,
    SERIALFUNC = pipeline_forecast_serialize,
    DESERIALFUNC = pipeline_forecast_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE pipeline_forecast_partial(numeric, float8, numeric) IS
'partial state of pipeline_forecast with a target over these rows, as a transferable pipeline_forecast_state; combine states with pipeline_forecast_merge()';

CREATE AGGREGATE pipeline_forecast_merge(state pipeline_forecast_state) (
    SFUNC = pipeline_forecast_state_combine,
    FINALFUNC = pipeline_forecast_state_final,
    STYPE = pipeline_forecast_state,
    SSPACE = 8192,
    COMBINEFUNC = pipeline_forecast_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE pipeline_forecast_merge(pipeline_forecast_state) IS
'pipeline_forecast of the deals behind the pipeline_forecast_partial() states merged (NULL states skipped); states with different targets are an error; its state is pipeline_forecast_state itself, so Citus splits it';


-- ---------------------------------------------------------------------------
-- §11 Customer value, Gamma-Gamma, Pareto/NBD
-- ---------------------------------------------------------------------------

-- gammagamma (src/gammagamma.c): the Gamma-Gamma spend model (Fader &
-- Hardie 2013).  Its state is bgnbd_fit's design (bgnbd.h): distinct
-- (frequency, monetary) with customer counts, combined, serialized and
-- merged by bgnbd_fit's own support functions.

CREATE TYPE gammagamma_model AS (
    p float8,
    q float8,
    gamma float8,
    log_likelihood float8,
    customers bigint,
    converged boolean
);

COMMENT ON TYPE gammagamma_model IS
'a fitted Gamma-Gamma spend model: each purchase ~ Gamma(p, nu), nu ~ Gamma(q, gamma) across customers, with the maximised log-likelihood, the customers used (frequency > 0 and monetary > 0) and whether the fit converged';

CREATE TYPE gammagamma_fit_state;

CREATE FUNCTION gammagamma_fit_state_in(cstring)
RETURNS gammagamma_fit_state
AS 'MODULE_PATHNAME', 'gammagamma_fit_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION gammagamma_fit_state_in(cstring) IS
'input function of gammagamma_fit_state: "1:" then (frequency,monetary,customers) entries separated by commas';

CREATE FUNCTION gammagamma_fit_state_out(gammagamma_fit_state)
RETURNS cstring
AS 'MODULE_PATHNAME', 'gammagamma_fit_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION gammagamma_fit_state_out(gammagamma_fit_state) IS
'output function of gammagamma_fit_state: entries sorted by frequency and monetary, floats in shortest exact form';

CREATE FUNCTION gammagamma_fit_state_recv(internal)
RETURNS gammagamma_fit_state
AS 'MODULE_PATHNAME', 'gammagamma_fit_state_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION gammagamma_fit_state_recv(internal) IS
'binary input function of gammagamma_fit_state';

CREATE FUNCTION gammagamma_fit_state_send(gammagamma_fit_state)
RETURNS bytea
AS 'MODULE_PATHNAME', 'gammagamma_fit_state_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION gammagamma_fit_state_send(gammagamma_fit_state) IS
'binary output function of gammagamma_fit_state: int32 version, int64 count, then per entry int32 frequency, float8 monetary, int64 customers';

CREATE TYPE gammagamma_fit_state (
    INPUT = gammagamma_fit_state_in,
    OUTPUT = gammagamma_fit_state_out,
    RECEIVE = gammagamma_fit_state_recv,
    SEND = gammagamma_fit_state_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);

COMMENT ON TYPE gammagamma_fit_state IS
'partial state of gammagamma_fit (from gammagamma_fit_partial, for gammagamma_fit_merge): distinct (frequency, monetary) with customer counts';

CREATE FUNCTION gammagamma_fit_trans(internal, int, numeric)
RETURNS internal
AS 'MODULE_PATHNAME', 'gammagamma_fit_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION gammagamma_fit_trans(internal, int, numeric) IS
'transition function of gammagamma_fit and gammagamma_fit_partial; skips rows with a NULL argument, frequency 0 or monetary <= 0';

CREATE FUNCTION gammagamma_fit_final(internal)
RETURNS gammagamma_model
AS 'MODULE_PATHNAME', 'gammagamma_fit_final'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION gammagamma_fit_final(internal) IS
'final function of gammagamma_fit and gammagamma_fit_merge: the maximum-likelihood fit; NULL without customers';

CREATE FUNCTION gammagamma_fit_partial_final(internal)
RETURNS gammagamma_fit_state
AS 'MODULE_PATHNAME', 'bgnbd_fit_partial_finalfn'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION gammagamma_fit_partial_final(internal) IS
'final function of gammagamma_fit_partial (bgnbd_fit_partial''s C function: the same state layout); NULL without customers';

CREATE FUNCTION gammagamma_fit_state_combine(gammagamma_fit_state, gammagamma_fit_state)
RETURNS gammagamma_fit_state
AS 'MODULE_PATHNAME', 'gammagamma_fit_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION gammagamma_fit_state_combine(gammagamma_fit_state, gammagamma_fit_state) IS
'transition and combine function of gammagamma_fit_merge: the two states merged; NULL states are skipped';

CREATE FUNCTION gammagamma_fit_state_final(gammagamma_fit_state)
RETURNS gammagamma_model
AS 'MODULE_PATHNAME', 'gammagamma_fit_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION gammagamma_fit_state_final(gammagamma_fit_state) IS
'final function of gammagamma_fit_merge: gammagamma_fit''s result from a merged state';

CREATE AGGREGATE gammagamma_fit(frequency int, monetary numeric) (
    SFUNC = gammagamma_fit_trans,
    STYPE = internal,
    SSPACE = 32832,
    FINALFUNC = gammagamma_fit_final,
    COMBINEFUNC = bgnbd_fit_combine,
    SERIALFUNC = bgnbd_fit_serialize,
    DESERIALFUNC = bgnbd_fit_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE gammagamma_fit(int, numeric) IS
'maximum-likelihood Gamma-Gamma spend fit (Fader & Hardie 2013) over btyd_summary frequency and monetary; only customers with frequency > 0 and monetary > 0 count; NULL without them; converged = false when the optimiser did not reach a maximum';

CREATE AGGREGATE gammagamma_fit_partial(frequency int, monetary numeric) (
    SFUNC = gammagamma_fit_trans,
    STYPE = internal,
    SSPACE = 32832,
    FINALFUNC = gammagamma_fit_partial_final,
    COMBINEFUNC = bgnbd_fit_combine,
    SERIALFUNC = bgnbd_fit_serialize,
    DESERIALFUNC = bgnbd_fit_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE gammagamma_fit_partial(int, numeric) IS
'the state of gammagamma_fit as a transferable gammagamma_fit_state value, to be merged by gammagamma_fit_merge; NULL without customers';

CREATE AGGREGATE gammagamma_fit_merge(state gammagamma_fit_state) (
    SFUNC = gammagamma_fit_state_combine,
    STYPE = gammagamma_fit_state,
    SSPACE = 32832,
    FINALFUNC = gammagamma_fit_state_final,
    COMBINEFUNC = gammagamma_fit_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE gammagamma_fit_merge(gammagamma_fit_state) IS
'gammagamma_fit over the customers of several gammagamma_fit_partial states; NULL states are skipped';

CREATE FUNCTION gammagamma_expected_spend(model gammagamma_model, frequency int, monetary numeric)
RETURNS float8
AS 'MODULE_PATHNAME', 'gammagamma_expected_spend'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION gammagamma_expected_spend(gammagamma_model, int, numeric) IS
'Gamma-Gamma expected mean spend per purchase of a customer with this frequency and monetary: (gamma + monetary*frequency) p / (p*frequency + q - 1); p gamma / (q - 1) for frequency 0; q <= 1 is an error';


-- btyd_holdout (src/btyd_holdout.c): the calibration/holdout split of
-- lifetimes' calibration_and_holdout_data, on btyd_summary's state.

CREATE TYPE btyd_holdout AS (
    frequency_cal int,
    recency_cal float8,
    t_cal float8,
    monetary_cal numeric,
    frequency_holdout int,
    monetary_holdout numeric,
    duration_holdout float8
);

COMMENT ON TYPE btyd_holdout IS
'result of btyd_holdout(): the btyd_summary as of calibration_end (frequency_cal, recency_cal, t_cal, monetary_cal), the purchase days in (calibration_end, observation_end] (frequency_holdout), the mean of their sums (monetary_holdout, 0 when none), and the holdout length in time units (duration_holdout)';

CREATE FUNCTION btyd_holdout_trans(internal, date, numeric, date, date)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_holdout_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_holdout_trans(internal, date, numeric, date, date) IS
'transition function of btyd_holdout (time_unit 1 day); NULL parameters are errors, rows with NULL ts or amount or after observation_end are skipped';

CREATE FUNCTION btyd_holdout_trans(internal, date, numeric, date, date, interval)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_holdout_trans'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_holdout_trans(internal, date, numeric, date, date, interval) IS
'transition function of btyd_holdout; NULL parameters are errors, rows with NULL ts or amount or after observation_end are skipped';

CREATE FUNCTION btyd_holdout_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_holdout_combine'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_holdout_combine(internal, internal) IS
'combine function of btyd_holdout; states with different parameters are an error';

CREATE FUNCTION btyd_holdout_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'btyd_holdout_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_holdout_serialize(internal) IS
'serialize function of btyd_holdout: the two btyd_summary states, calibration first';

CREATE FUNCTION btyd_holdout_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'btyd_holdout_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_holdout_deserialize(bytea, internal) IS
'deserialize function of btyd_holdout';

CREATE FUNCTION btyd_holdout_final(internal)
RETURNS btyd_holdout
AS 'MODULE_PATHNAME', 'btyd_holdout_final'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION btyd_holdout_final(internal) IS
'final function of btyd_holdout; NULL for a customer without a purchase up to calibration_end';

CREATE AGGREGATE btyd_holdout(ts date, amount numeric, calibration_end date, observation_end date) (
    SFUNC = btyd_holdout_trans,
    FINALFUNC = btyd_holdout_final,
    STYPE = internal,
    SSPACE = 256,
    COMBINEFUNC = btyd_holdout_combine,
    SERIALFUNC = btyd_holdout_serialize,
    DESERIALFUNC = btyd_holdout_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE btyd_holdout(date, numeric, date, date) IS
'calibration/holdout split as lifetimes calibration_and_holdout_data(freq=''D''): btyd_summary as of calibration_end, purchase days and mean day sum in (calibration_end, observation_end], holdout length; time_unit 1 day; NULL without a purchase up to calibration_end';

CREATE AGGREGATE btyd_holdout(ts date, amount numeric, calibration_end date, observation_end date, time_unit interval) (
    SFUNC = btyd_holdout_trans,
    FINALFUNC = btyd_holdout_final,
    STYPE = internal,
    SSPACE = 256,
    COMBINEFUNC = btyd_holdout_combine,
    SERIALFUNC = btyd_holdout_serialize,
    DESERIALFUNC = btyd_holdout_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE btyd_holdout(date, numeric, date, date, interval) IS
'calibration/holdout split as lifetimes calibration_and_holdout_data(freq=''D'', freq_multiplier = days of time_unit): btyd_summary as of calibration_end, purchase days and mean day sum in (calibration_end, observation_end], holdout length in time units; NULL without a purchase up to calibration_end';

-- customer_value (src/customer_value.c)

CREATE FUNCTION customer_value(bg bgnbd_model, gg gammagamma_model, frequency int, recency float8, t float8, monetary numeric, periods int, period_length float8, discount_rate float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'customer_value'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION customer_value(bgnbd_model, gammagamma_model, int, float8, float8, numeric, int, float8, float8) IS
'discounted expected revenue of a customer over the next periods periods of period_length time units (the unit of the summaries: a month is 30/7 weeks): sum over i of gammagamma_expected_spend x (bgnbd_expected(i L) - bgnbd_expected((i-1) L)) / (1 + discount_rate)^i; periods 1-1200, period_length > 0, discount_rate >= 0 per period';


-- paretonbd (src/paretonbd.c): the Pareto/NBD model (Schmittlein, Morrison
-- & Colombo 1987).  Same inputs as bgnbd_fit, so the same state and support
-- functions: paretonbd_fit_partial returns a bgnbd_fit_state, and either
-- fit's partial states feed either merge.

CREATE TYPE paretonbd_model AS (
    r float8,
    alpha float8,
    s float8,
    beta float8,
    log_likelihood float8,
    customers bigint,
    converged boolean
);

COMMENT ON TYPE paretonbd_model IS
'a fitted Pareto/NBD model: purchase rates ~ Gamma(r, alpha), dropout rates ~ Gamma(s, beta), with the maximised log-likelihood, the number of customers and whether the fit converged';

CREATE FUNCTION paretonbd_fit_final(internal)
RETURNS paretonbd_model
AS 'MODULE_PATHNAME', 'paretonbd_fit_final'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION paretonbd_fit_final(internal) IS
'final function of paretonbd_fit and paretonbd_fit_merge: the maximum-likelihood fit; NULL without customers';

CREATE AGGREGATE paretonbd_fit(frequency int, recency float8, t float8) (
    SFUNC = bgnbd_fit_trans,
    STYPE = internal,
    SSPACE = 32832,
    FINALFUNC = paretonbd_fit_final,
    COMBINEFUNC = bgnbd_fit_combine,
    SERIALFUNC = bgnbd_fit_serialize,
    DESERIALFUNC = bgnbd_fit_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE paretonbd_fit(int, float8, float8) IS
'maximum-likelihood Pareto/NBD fit (Schmittlein, Morrison & Colombo 1987) over customer summaries (frequency = repeat purchases, recency, t, as btyd_summary returns them); rows with a NULL argument are skipped; NULL without customers; converged = false when the optimiser did not reach a maximum';

CREATE AGGREGATE paretonbd_fit_partial(frequency int, recency float8, t float8) (
    SFUNC = bgnbd_fit_trans,
    STYPE = internal,
    SSPACE = 32832,
    FINALFUNC = bgnbd_fit_partial_final,
    COMBINEFUNC = bgnbd_fit_combine,
    SERIALFUNC = bgnbd_fit_serialize,
    DESERIALFUNC = bgnbd_fit_deserialize,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE paretonbd_fit_partial(int, float8, float8) IS
'the state of paretonbd_fit as a transferable bgnbd_fit_state value (the same customer summaries bgnbd_fit keeps), to be merged by paretonbd_fit_merge or bgnbd_fit_merge; NULL without customers';

CREATE FUNCTION paretonbd_fit_state_combine(bgnbd_fit_state, bgnbd_fit_state)
RETURNS bgnbd_fit_state
AS 'MODULE_PATHNAME', 'paretonbd_fit_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION paretonbd_fit_state_combine(bgnbd_fit_state, bgnbd_fit_state) IS
'transition and combine function of paretonbd_fit_merge: the two states merged; NULL states are skipped';

CREATE FUNCTION paretonbd_fit_state_final(bgnbd_fit_state)
RETURNS paretonbd_model
AS 'MODULE_PATHNAME', 'paretonbd_fit_state_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION paretonbd_fit_state_final(bgnbd_fit_state) IS
'final function of paretonbd_fit_merge: paretonbd_fit''s result from a merged state';

CREATE AGGREGATE paretonbd_fit_merge(state bgnbd_fit_state) (
    SFUNC = paretonbd_fit_state_combine,
    STYPE = bgnbd_fit_state,
    SSPACE = 32832,
    FINALFUNC = paretonbd_fit_state_final,
    COMBINEFUNC = paretonbd_fit_state_combine,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE paretonbd_fit_merge(bgnbd_fit_state) IS
'paretonbd_fit over the customers of several bgnbd_fit_state values (from paretonbd_fit_partial or bgnbd_fit_partial); NULL states are skipped';

CREATE FUNCTION paretonbd_p_alive(model paretonbd_model, frequency int, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'paretonbd_p_alive'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION paretonbd_p_alive(paretonbd_model, int, float8, float8) IS
'Pareto/NBD probability that a customer with this summary is still active (Fader & Hardie 2005 note, eq. 18)';

CREATE FUNCTION paretonbd_expected(model paretonbd_model, horizon float8, frequency int, recency float8, t float8)
RETURNS float8
AS 'MODULE_PATHNAME', 'paretonbd_expected'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION paretonbd_expected(paretonbd_model, float8, int, float8, float8) IS
'Pareto/NBD expected purchases of a customer with this summary in the next horizon time units (Fader & Hardie 2005 note, eq. 22)';


-- ---------------------------------------------------------------------------
-- §12 Segment-change trigger and ramped quotas
-- ---------------------------------------------------------------------------

CREATE FUNCTION segment_direction(kind text, from_code text, to_code text)
RETURNS text
AS 'MODULE_PATHNAME', 'segment_direction'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION segment_direction(text, text, text) IS
'up when to_code has a better (smaller) rank than from_code in the label catalog, down when worse, same when equal; NULL when a code is NULL or unknown; unknown kind is an error';

CREATE FUNCTION flag_segment_change()
RETURNS trigger
AS 'MODULE_PATHNAME', 'flag_segment_change'
LANGUAGE C PARALLEL SAFE;

COMMENT ON FUNCTION flag_segment_change() IS
'BEFORE INSERT OR UPDATE FOR EACH ROW trigger; arguments (segment_column, kind, previous_column, since_column [, direction_column]): when the segment changes, stores the old one, the transaction time and segment_direction(); keeps them otherwise';

CREATE FUNCTION ramped_quota(full_quota numeric, start_date date, period_start date, period_end date,
                             ramp numeric[], holidays date[] DEFAULT '{}')
RETURNS numeric
AS 'MODULE_PATHNAME', 'ramped_quota'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION ramped_quota(numeric, date, date, date, numeric[], date[]) IS
'quota of a rep on ramp: full_quota times the mean, over the business days of the period, of 0 before start_date, ramp[k] in the k-th month of tenure, 1 after; rounded half away from zero to the scale of full_quota, at least 2 decimals';

