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
-- Real state types for the aggregates (Citus splits them, SPEC §7)
-- ---------------------------------------------------------------------------


-- ---------------------------------------------------------------------------
-- §9 Labels for people and for charts
-- ---------------------------------------------------------------------------


-- ---------------------------------------------------------------------------
-- §10 The pipeline forecast
-- ---------------------------------------------------------------------------


-- ---------------------------------------------------------------------------
-- §11 Customer value, Gamma-Gamma, Pareto/NBD
-- ---------------------------------------------------------------------------


-- ---------------------------------------------------------------------------
-- §12 Segment-change trigger and ramped quotas
-- ---------------------------------------------------------------------------

