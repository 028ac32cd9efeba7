-- Custom SQL migration file, put your code below! --
-- A new product's sketches turn dense (4,096 bytes) once it has a few hundred visitors, and every ingest batch
-- that views it rewrites them: lz4, as migration 0018 chose for the hour and day rollups' sketches. PostgreSQL
-- built without lz4 (PGlite) keeps pglz.
DO $$
BEGIN
  ALTER TABLE product_launch_traffic ALTER COLUMN visitors SET COMPRESSION lz4, ALTER COLUMN carters SET COMPRESSION lz4, ALTER COLUMN buyers SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'lz4 is not available in this PostgreSQL build: new-product sketches keep pglz';
END
$$;
