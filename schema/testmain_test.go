package schema

import (
	"testing"

	"github.com/pgshift/pgshift/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }
