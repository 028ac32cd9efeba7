-- Custom SQL migration file, put your code below! --
-- Register-wise max of two HyperLogLog sketches, used by the ingest upserts of metric_rollups.
-- Format (server/src/lib/hll.ts): dense = exactly 4096 bytes, byte i = register i;
-- sparse = 3-byte entries (register high byte, register low byte, value), fewer than 4096 bytes.
-- Two sparse sketches concatenate while small (readers take the max per register); otherwise the
-- result is dense. Only the sparse side is looped over, so a batch costs its own size, not 4096.
CREATE OR REPLACE FUNCTION peakops_hll_union(a bytea, b bytea) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  dense bytea;
  sparse bytea;
  i int;
  reg int;
  val int;
BEGIN
  IF a IS NULL THEN RETURN b; END IF;
  IF b IS NULL THEN RETURN a; END IF;
  IF length(a) = 4096 AND length(b) = 4096 THEN
    dense := a;
    FOR i IN 0..4095 LOOP
      IF get_byte(b, i) > get_byte(dense, i) THEN dense := set_byte(dense, i, get_byte(b, i)); END IF;
    END LOOP;
    RETURN dense;
  ELSIF length(a) = 4096 THEN
    dense := a; sparse := b;
  ELSIF length(b) = 4096 THEN
    dense := b; sparse := a;
  ELSIF length(a) + length(b) < 4096 THEN
    RETURN a || b;
  ELSE
    dense := decode(repeat('00', 4096), 'hex'); sparse := a || b;
  END IF;
  FOR i IN 0..(length(sparse) / 3 - 1) LOOP
    reg := (get_byte(sparse, 3 * i) << 8) | get_byte(sparse, 3 * i + 1);
    val := get_byte(sparse, 3 * i + 2);
    IF val > get_byte(dense, reg) THEN dense := set_byte(dense, reg, val); END IF;
  END LOOP;
  RETURN dense;
END
$$;
