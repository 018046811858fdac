package node_test

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/nipc/nipc/internal/testenv"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m, testenv.NATSLeaks()...) }
