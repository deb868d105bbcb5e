"""Lab code: benchmark loaders, metrics, training. The product never imports it."""
