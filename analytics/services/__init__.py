"""Analytics services (writes). Modules: `schedule` (cursors, due connections, leases),
`store` (bulk upserts per page), `sync` (one run for one connection)."""
