module sovereign-walk/sim/products/tctl

go 1.24.0
