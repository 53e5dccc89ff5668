# seed_runs DB N: N synthetic runs (5 params, 5 metrics, 3 tags each) written
# straight into an mlops state database, with the schema mlops created: what
# listing thousands of runs costs, without waiting for thousands of runs.
seed_runs() {
  sqlite3 "$1" <<SQL
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
  INSERT INTO runs (id, name, experiment, status, command, git_commit, git_dirty, started_at, ended_at, exit_code,
                    user, host, peak_rss_kib, os, cpu, cpus, memory_bytes)
  SELECT printf('%032x', i), 'bench-run-' || i, 'bench', 'finished', 'python train.py --lr 0.01', printf('%040x', i), 0,
         1790000000000 + i * 1000, 1790000000000 + i * 1000 + 900, 0, 'bench', 'host', 1000,
         'Debian GNU/Linux 12 (bookworm); Linux x86_64', 'cpu', 2, 8000000000 FROM n;
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2),
                 k(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM k WHERE j < 5)
  INSERT INTO params SELECT printf('%032x', i), 'param' || j, (i % 7) * j FROM n, k;
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2),
                 k(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM k WHERE j < 5)
  INSERT INTO latest_metrics SELECT printf('%032x', i), 'metric' || j, 99, (i % 13) * 0.1, 0, 2, 100 FROM n, k;
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2),
                 k(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM k WHERE j < 3)
  INSERT INTO run_tags SELECT printf('%032x', i), 'tag' || j, 'value' FROM n, k;
SQL
}
