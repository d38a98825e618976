-- Which of the given digests (list parameter) a load already took in.
SELECT digest FROM loaded_batches WHERE list_contains($digests, digest)
