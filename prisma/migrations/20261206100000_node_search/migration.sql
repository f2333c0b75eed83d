-- Full-text search over datasets and jobs (lib/server/search.ts): an FTS5 table with the trigram
-- tokenizer, so any three letters of a name, namespace, description, owner or tag find it (prefix,
-- infix and, through shared trigrams, misspelt queries). Prisma's schema has no virtual tables: the
-- table and its shadow tables are declared external to Prisma (scripts/lib/migrations.ts).
--
-- rowid is the node's id, so the triggers below update one row by key lookup. `words` holds the
-- name and tags with the separators removed ("finetuned" finds "fine-tuned").
CREATE VIRTUAL TABLE "NodeSearch" USING fts5(
    "key" UNINDEXED,
    "type" UNINDEXED,
    "kind" UNINDEXED,
    "name",
    "namespace",
    "description",
    "owners",
    "tags",
    "words",
    tokenize = 'trigram'
);

-- The projection writes Dataset and Job rows; these triggers keep the index in step with them, in
-- the same transaction, for ingest, rebuild and replay alike.
CREATE TRIGGER "Dataset_search_insert" AFTER INSERT ON "Dataset" BEGIN
    INSERT INTO "NodeSearch" (rowid, "key", "type", "kind", "name", "namespace", "description", "owners", "tags", "words")
    SELECT NEW."nodeId", NEW."key", 'dataset', NEW."kind", NEW."name", NEW."namespace", COALESCE(NEW."description", ''), f."owners", f."tags",
           replace(replace(replace(replace(replace(lower(NEW."name" || ' ' || f."tags"), '-', ''), '_', ''), '/', ''), '.', ''), ' ', '')
    FROM (
        SELECT
            COALESCE((SELECT group_concat(json_extract(o.value, '$.name'), ' ') FROM json_each(CASE WHEN json_valid(NEW."facets") THEN NEW."facets" ELSE '{}' END, '$.ownership.owners') o WHERE o.type = 'object'), '') AS "owners",
            COALESCE((SELECT group_concat(json_extract(t.value, '$.key') || ' ' || COALESCE(json_extract(t.value, '$.value'), ''), ' ') FROM json_each(CASE WHEN json_valid(NEW."facets") THEN NEW."facets" ELSE '{}' END, '$.tags.tags') t WHERE t.type = 'object'), '') AS "tags"
    ) f;
END;

CREATE TRIGGER "Dataset_search_update" AFTER UPDATE OF "name", "namespace", "kind", "description", "facets" ON "Dataset" BEGIN
    DELETE FROM "NodeSearch" WHERE rowid = OLD."nodeId";
    INSERT INTO "NodeSearch" (rowid, "key", "type", "kind", "name", "namespace", "description", "owners", "tags", "words")
    SELECT NEW."nodeId", NEW."key", 'dataset', NEW."kind", NEW."name", NEW."namespace", COALESCE(NEW."description", ''), f."owners", f."tags",
           replace(replace(replace(replace(replace(lower(NEW."name" || ' ' || f."tags"), '-', ''), '_', ''), '/', ''), '.', ''), ' ', '')
    FROM (
        SELECT
            COALESCE((SELECT group_concat(json_extract(o.value, '$.name'), ' ') FROM json_each(CASE WHEN json_valid(NEW."facets") THEN NEW."facets" ELSE '{}' END, '$.ownership.owners') o WHERE o.type = 'object'), '') AS "owners",
            COALESCE((SELECT group_concat(json_extract(t.value, '$.key') || ' ' || COALESCE(json_extract(t.value, '$.value'), ''), ' ') FROM json_each(CASE WHEN json_valid(NEW."facets") THEN NEW."facets" ELSE '{}' END, '$.tags.tags') t WHERE t.type = 'object'), '') AS "tags"
    ) f;
END;

CREATE TRIGGER "Dataset_search_delete" AFTER DELETE ON "Dataset" BEGIN
    DELETE FROM "NodeSearch" WHERE rowid = OLD."nodeId";
END;

CREATE TRIGGER "Job_search_insert" AFTER INSERT ON "Job" BEGIN
    INSERT INTO "NodeSearch" (rowid, "key", "type", "kind", "name", "namespace", "description", "owners", "tags", "words")
    SELECT NEW."nodeId", NEW."key", 'job', COALESCE(NEW."kind", ''), NEW."name", NEW."namespace", COALESCE(NEW."description", ''), f."owners", f."tags",
           replace(replace(replace(replace(replace(lower(NEW."name" || ' ' || f."tags"), '-', ''), '_', ''), '/', ''), '.', ''), ' ', '')
    FROM (
        SELECT
            COALESCE((SELECT group_concat(json_extract(o.value, '$.name'), ' ') FROM json_each(CASE WHEN json_valid(NEW."facets") THEN NEW."facets" ELSE '{}' END, '$.ownership.owners') o WHERE o.type = 'object'), '') AS "owners",
            COALESCE((SELECT group_concat(json_extract(t.value, '$.key') || ' ' || COALESCE(json_extract(t.value, '$.value'), ''), ' ') FROM json_each(CASE WHEN json_valid(NEW."facets") THEN NEW."facets" ELSE '{}' END, '$.tags.tags') t WHERE t.type = 'object'), '') AS "tags"
    ) f;
END;

CREATE TRIGGER "Job_search_update" AFTER UPDATE OF "name", "namespace", "kind", "description", "facets" ON "Job" BEGIN
    DELETE FROM "NodeSearch" WHERE rowid = OLD."nodeId";
    INSERT INTO "NodeSearch" (rowid, "key", "type", "kind", "name", "namespace", "description", "owners", "tags", "words")
    SELECT NEW."nodeId", NEW."key", 'job', COALESCE(NEW."kind", ''), NEW."name", NEW."namespace", COALESCE(NEW."description", ''), f."owners", f."tags",
           replace(replace(replace(replace(replace(lower(NEW."name" || ' ' || f."tags"), '-', ''), '_', ''), '/', ''), '.', ''), ' ', '')
    FROM (
        SELECT
            COALESCE((SELECT group_concat(json_extract(o.value, '$.name'), ' ') FROM json_each(CASE WHEN json_valid(NEW."facets") THEN NEW."facets" ELSE '{}' END, '$.ownership.owners') o WHERE o.type = 'object'), '') AS "owners",
            COALESCE((SELECT group_concat(json_extract(t.value, '$.key') || ' ' || COALESCE(json_extract(t.value, '$.value'), ''), ' ') FROM json_each(CASE WHEN json_valid(NEW."facets") THEN NEW."facets" ELSE '{}' END, '$.tags.tags') t WHERE t.type = 'object'), '') AS "tags"
    ) f;
END;

CREATE TRIGGER "Job_search_delete" AFTER DELETE ON "Job" BEGIN
    DELETE FROM "NodeSearch" WHERE rowid = OLD."nodeId";
END;

-- Index what the store already holds.
UPDATE "Dataset" SET "facets" = "facets";
UPDATE "Job" SET "facets" = "facets";
