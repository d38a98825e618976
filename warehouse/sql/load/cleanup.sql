-- The working tables of one chunk, dropped before the next chunk makes its own.
DROP TABLE incoming;
DROP TABLE matched;
