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

CREATE FUNCTION deal_warnings(as_of date, next_contact date, problem text, promise_due date,
                              temperature text, lift float8,
                              last_activity date DEFAULT NULL, stage_entered date DEFAULT NULL,
                              stage_norm_days int DEFAULT NULL, close_date date DEFAULT NULL,
                              pushes int DEFAULT NULL, contacts int DEFAULT NULL,
                              stale_days int DEFAULT 14, lift_threshold float8 DEFAULT 0.4)
RETURNS text[]
AS 'MODULE_PATHNAME', 'deal_warnings'
LANGUAGE C IMMUTABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION deal_warnings(date, date, text, date, text, float8, date, date, int, date, int, int, int, float8) IS
'the warning codes of a deal''s diary on as_of, in the rank order of catalog kind deal_warning, ''{}'' when none: a NULL next_contact, problem, temperature or lift is a warning; NULL optional arguments are not tracked; NULL as_of gives NULL';

CREATE FUNCTION flag_deal_warnings()
RETURNS trigger
AS 'MODULE_PATHNAME', 'flag_deal_warnings'
LANGUAGE C PARALLEL SAFE;

COMMENT ON FUNCTION flag_deal_warnings() IS
'BEFORE INSERT OR UPDATE FOR EACH ROW trigger; arguments (warnings_column, since_column, ''param=column'', ...): sets warnings to deal_warnings(current_date, the mapped columns) and since to the transaction time the set turned non-empty, NULL while empty';
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
