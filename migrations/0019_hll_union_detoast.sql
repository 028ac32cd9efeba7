-- Custom SQL migration file, put your code below! --
-- peakops_hll_union (0002) again, with the same results byte for byte, and two changes for the ingest
-- upsert of metric_rollups, whose stored dense sketches are compressed and stored out of line (0018):
-- 1. Each side is detoasted once, on entry. PL/pgSQL keeps a TOASTed argument as a pointer, so every
--    get_byte on a stored sketch fetched and decompressed all of it again: ~3.7 µs per sparse entry
--    merged, against ~0.3 µs once detoasted (docs/BENCHMARKS.md, ingest round 15).
-- 2. A merge that raises no register still returns the stored value itself, as the old function did by
--    returning its argument, so the update keeps its TOAST value instead of compressing and storing
--    a copy (checked: such an update writes no TOAST rows; detoasted without this, it wrote 6 per row).
CREATE OR REPLACE FUNCTION peakops_hll_union(a bytea, b bytea) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  kept bytea;
  dense bytea;
  sparse bytea;
  changed boolean := false;
  i int;
  reg int;
  val int;
BEGIN
  IF a IS NULL THEN RETURN b; END IF;
  IF b IS NULL THEN RETURN a; END IF;
  -- length() reads a TOASTed value's size without fetching it.
  IF length(a) = 4096 AND length(b) = 4096 THEN
    kept := a; dense := a || ''::bytea; sparse := b || ''::bytea;
    FOR i IN 0..4095 LOOP
      IF get_byte(sparse, i) > get_byte(dense, i) THEN dense := set_byte(dense, i, get_byte(sparse, i)); changed := true; END IF;
    END LOOP;
    IF changed THEN RETURN dense; END IF;
    RETURN kept;
  ELSIF length(a) = 4096 THEN
    kept := a; dense := a || ''::bytea; sparse := b || ''::bytea;
  ELSIF length(b) = 4096 THEN
    kept := b; dense := b || ''::bytea; sparse := a || ''::bytea;
  ELSIF length(a) + length(b) < 4096 THEN
    RETURN a || b;
  ELSE
    dense := decode(repeat('00', 4096), 'hex'); sparse := a || b; changed := true;
  END IF;
  FOR i IN 0..(length(sparse) / 3 - 1) LOOP
    reg := (get_byte(sparse, 3 * i) << 8) | get_byte(sparse, 3 * i + 1);
    val := get_byte(sparse, 3 * i + 2);
    IF val > get_byte(dense, reg) THEN dense := set_byte(dense, reg, val); changed := true; END IF;
  END LOOP;
  IF changed THEN RETURN dense; END IF;
  RETURN kept;
END
$$;
