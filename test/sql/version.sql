SELECT lance_version();
