-- schema: the extension lives in any schema and is callable schema-qualified
-- from a session whose search_path lacks it (SPEC §0).
DROP EXTENSION quota_ext;
CREATE SCHEMA analytics;
CREATE EXTENSION quota_ext SCHEMA analytics;
SELECT e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname = 'quota_ext';
SET search_path = pg_catalog;
SELECT analytics.lift_index(0.6, 2), analytics.priority_label(analytics.priority_group(1, 1, 1, 1)),
       analytics.lead_class(true, true, NULL), analytics.heat_zone(50, 100),
       analytics.business_days('2026-07-01', '2026-07-31');
SELECT (analytics.quota_status(50, 100, '2026-07-01', '2026-07-31', '2026-07-15')).*;
SELECT * FROM analytics.quota_steps(100, '2026-07-01', '2026-07-31', 2);
-- defaults are resolved without the search path
SELECT analytics.needs_reanimation(0.3, 1), analytics.pipeline_coverage(10, 5);
-- the trigger works from a table in another schema
CREATE TABLE public.d (agreement float8, objections int, flag boolean);
CREATE TRIGGER d_flag BEFORE INSERT ON public.d
    FOR EACH ROW EXECUTE FUNCTION analytics.flag_reanimation('agreement', 'objections', 'flag');
INSERT INTO public.d VALUES (0.1, 1, NULL);
SELECT flag FROM public.d;
DROP TABLE public.d;
-- every object of the extension is in that schema, and every function is
-- PARALLEL SAFE with a comment
RESET search_path;
SELECT count(*) AS functions_not_in_schema FROM pg_depend d JOIN pg_proc p ON d.objid = p.oid
WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'quota_ext')
  AND d.classid = 'pg_proc'::regclass AND p.pronamespace <> 'analytics'::regnamespace;
-- (the exceptions, below: the two functions behind the label views read
-- the table quota_label_custom, so STABLE; the trigger that invalidates
-- the label cache sends an invalidation, never in a parallel worker)
SELECT p.proname, p.proparallel, p.provolatile, obj_description(p.oid, 'pg_proc') IS NULL AS no_comment
FROM pg_depend d JOIN pg_proc p ON d.objid = p.oid
WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'quota_ext')
  AND d.classid = 'pg_proc'::regclass
  AND p.proname NOT IN ('quota_label_rows', 'quota_label_text_rows', 'quota_label_custom_changed')
  AND (p.proparallel <> 's' OR obj_description(p.oid, 'pg_proc') IS NULL
       OR (p.provolatile <> 'i' AND p.prorettype <> 'trigger'::regtype));
SELECT p.proname, p.proparallel, p.provolatile, obj_description(p.oid, 'pg_proc') IS NULL AS no_comment
FROM pg_proc p
WHERE p.pronamespace = 'analytics'::regnamespace
  AND p.proname IN ('quota_label_rows', 'quota_label_text_rows', 'quota_label_custom_changed')
ORDER BY p.proname COLLATE "C";
-- the label catalog finds the user's rows in the extension's schema
INSERT INTO analytics.quota_label_custom (kind, code, rank, labels)
VALUES ('rfm', 'Gold', 1, '{"uk": "Золоті"}');
SELECT analytics.quota_label('rfm', 'Gold', 'uk'), analytics.quota_label_rank('rfm', 'Gold'),
       analytics.segment_direction('rfm', 'Lost', 'Gold');
-- back to the default set-up for the tests that follow
DROP EXTENSION quota_ext;
DROP SCHEMA analytics;
CREATE EXTENSION quota_ext;
