package gateway

// FixedHeaders are the headers on every HTTP reply, for the external tests.
var FixedHeaders = fixedHeaders
