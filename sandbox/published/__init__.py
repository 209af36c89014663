"""What the sandbox platforms accepted for publication: posts and uploaded media, recorded so
tests (and the demo) can assert exactly what "the platform" received, and that nothing was
posted twice. Its own small app so the publishing side owns its tables and migrations."""
