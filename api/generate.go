package api

// Regenerate api/fb (flatc 2.0.8 + gofmt) from nanoapi.fbs; `api/gen.sh`
// without -w checks instead. See gen.sh.
//go:generate sh gen.sh -w
