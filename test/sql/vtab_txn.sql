-- A read transaction keeps the version that was latest at its first read;
-- the next transaction sees newer commits.  A commit is simulated by putting
-- back the manifest of version 7 of a copy of hist.lance.
.system rm -rf build/sqltmp && mkdir -p build/sqltmp && cp -r test/unit/data/hist.lance build/sqltmp/ && mv build/sqltmp/hist.lance/_versions/18446744073709551608.manifest build/sqltmp/v7.manifest
CREATE VIRTUAL TABLE h USING lance('build/sqltmp/hist.lance');
SELECT _version, count(*) FROM h;
BEGIN;
SELECT _version, count(*) FROM h;
.system mv build/sqltmp/v7.manifest build/sqltmp/hist.lance/_versions/18446744073709551608.manifest
SELECT _version, count(*) FROM h;
COMMIT;
SELECT _version, count(*) FROM h;
.system rm -rf build/sqltmp
