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
