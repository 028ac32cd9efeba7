-- Custom SQL migration file, put your code below! --
-- The HyperLogLog sketches of hour and day rollups are dense (4,096 bytes) and rewritten by every ingest
-- batch that touches their hour or day. lz4 writes (and reads) them about twice as fast as the default
-- pglz, at ~2.7 KB stored instead of ~1.6 KB: the rollup upsert of a 1,000-event batch went from 9.4-9.7
-- to 4.8-5.6 ms (docs/BENCHMARKS.md, Ingest round 6). Only new values are written with lz4; nothing is
-- rewritten. Minute partitions hold sparse sketches and keep the default. PostgreSQL built without lz4
-- (PGlite) keeps pglz.
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['metric_rollups_hour', 'metric_rollups_day'] LOOP
    EXECUTE format('ALTER TABLE %I ALTER COLUMN visitors SET COMPRESSION lz4, ALTER COLUMN carters SET COMPRESSION lz4, ALTER COLUMN buyers SET COMPRESSION lz4', t);
  END LOOP;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'lz4 is not available in this PostgreSQL build: rollup sketches keep pglz';
END
$$;
