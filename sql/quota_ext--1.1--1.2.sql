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


-- ---------------------------------------------------------------------------
-- §11 Customer value, Gamma-Gamma, Pareto/NBD
-- ---------------------------------------------------------------------------


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

