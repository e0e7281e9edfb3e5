// Package e2e holds pgshift's end-to-end tests against a real PostgreSQL
// server (PGSHIFT_TEST_URL, default postgres://postgres@127.0.0.1:5432/postgres).
//
// TestRoundTrip runs every case under testdata/cases/<kind>/<name>: it loads
// from.sql and to.sql into fresh databases, plans from → to, writes the plan
// as golang-migrate files, applies the up files (each file as one
// simple-protocol Exec, exactly like golang-migrate), checks the result
// against to.sql, re-plans (must be empty), applies the down files in
// reverse and checks the result against from.sql. Cases under
// testdata/cases/unsupported/ must instead give a plan error or a Note.
//
// TestCorpus runs the real-world schemas of ../shared/corpus: zero false
// diffs between a loaded schema.sql and the same file loaded by
// schema.LoadSQL, and the schema.old.sql → schema.sql round trip.
//
//	go test ./e2e -run RoundTrip                        # all cases
//	go test ./e2e -run 'RoundTrip/views/' -v            # one kind
//	go test ./e2e -short                                # a handful of cases, no corpus
//	go test ./e2e -run Corpus -v -timeout 60m           # corpus (slow)
//
// Concurrency is capped at 4 cases at a time; go test's own -parallel also
// caps it, and TestMain raises its default to pgtest.DefaultParallel (4).
package e2e
