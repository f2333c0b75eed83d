-- Search over datasets and jobs on PostgreSQL (lib/server/search.ts), the counterpart of SQLite's
-- FTS5 trigram index (prisma/migrations/*_node_search): one row per dataset and job with the same
-- columns, and a pg_trgm GIN index on "document" (name, namespace, description, owners, tags and
-- joined words), which answers substring ILIKE and trigram word similarity (misspelt queries).
-- Prisma's schema cannot describe a table kept by triggers: it is declared external to Prisma
-- (scripts/lib/migrations.ts), so drift checks ignore it. pg_trgm ships with PostgreSQL (Debian's
-- postgresql package) and is a trusted extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE "NodeSearch" (
    "nodeId" INTEGER NOT NULL,
    "key" TEXT COLLATE "C" NOT NULL,
    "type" TEXT COLLATE "C" NOT NULL,
    "kind" TEXT COLLATE "C" NOT NULL,
    "name" TEXT COLLATE "C" NOT NULL,
    "namespace" TEXT COLLATE "C" NOT NULL,
    "description" TEXT COLLATE "C" NOT NULL,
    "owners" TEXT COLLATE "C" NOT NULL,
    "tags" TEXT COLLATE "C" NOT NULL,
    -- The name and tags with the separators removed ("finetuned" finds "fine-tuned").
    "words" TEXT COLLATE "C" NOT NULL,
    "document" TEXT COLLATE "C" NOT NULL,
    CONSTRAINT "NodeSearch_pkey" PRIMARY KEY ("nodeId")
);

CREATE INDEX "NodeSearch_document_trgm" ON "NodeSearch" USING gin ("document" gin_trgm_ops);

-- The projection writes Dataset and Job rows (facets as JSON text); this trigger keeps the index in
-- step with them, in the same transaction, for ingest, rebuild and replay alike.
CREATE FUNCTION "NodeSearch_sync"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    facets jsonb;
    owners text;
    tags text;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM "NodeSearch" WHERE "nodeId" = OLD."nodeId";
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    facets := NEW."facets"::jsonb;
    SELECT COALESCE(string_agg(o ->> 'name', ' '), '') INTO owners
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(facets #> '{ownership,owners}') = 'array' THEN facets #> '{ownership,owners}' ELSE '[]'::jsonb END) AS o
    WHERE jsonb_typeof(o) = 'object';
    SELECT COALESCE(string_agg((t ->> 'key') || ' ' || COALESCE(t ->> 'value', ''), ' '), '') INTO tags
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(facets #> '{tags,tags}') = 'array' THEN facets #> '{tags,tags}' ELSE '[]'::jsonb END) AS t
    WHERE jsonb_typeof(t) = 'object';
    INSERT INTO "NodeSearch" ("nodeId", "key", "type", "kind", "name", "namespace", "description", "owners", "tags", "words", "document")
    SELECT NEW."nodeId", NEW."key", s."type", COALESCE(NEW."kind", ''), NEW."name", NEW."namespace", COALESCE(NEW."description", ''), owners, tags, s."words",
           concat_ws(' ', NEW."name", NEW."namespace", NEW."description", owners, tags, s."words")
    FROM (SELECT CASE TG_TABLE_NAME WHEN 'Dataset' THEN 'dataset' ELSE 'job' END AS "type",
                 translate(lower(NEW."name" || ' ' || tags), '-_/. ', '') AS "words") AS s;
    RETURN NEW;
END;
$$;

CREATE TRIGGER "Dataset_search" AFTER INSERT OR DELETE OR UPDATE OF "name", "namespace", "kind", "description", "facets" ON "Dataset"
    FOR EACH ROW EXECUTE FUNCTION "NodeSearch_sync"();
CREATE TRIGGER "Job_search" AFTER INSERT OR DELETE OR UPDATE OF "name", "namespace", "kind", "description", "facets" ON "Job"
    FOR EACH ROW EXECUTE FUNCTION "NodeSearch_sync"();

-- Index what the store already holds.
UPDATE "Dataset" SET "facets" = "facets";
UPDATE "Job" SET "facets" = "facets";
