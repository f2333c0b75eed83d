-- The columns of a run that a lineage view describes it by, in a narrow table of their own kept
-- by the database (PostgreSQL only). A Run row carries its facets, job facets and parameters as
-- JSON text inline (about 1.75 KB, four rows a page), so describing the ~1,300 runs of a 2,000-node
-- view read ~1,300 pages of a heap that does not stay in shared buffers. PostgreSQL moves columns
-- out of line (TOAST) only in rows over ~2 KB (TOAST_TUPLE_THRESHOLD, fixed when it is compiled;
-- `toast_tuple_target` and column STORAGE only act past it), so storage settings cannot narrow
-- these rows. Here a run is ~60 bytes, a page holds ~100, and a view's runs share few pages.
--
-- Prisma's schema cannot describe a table kept by triggers: it is declared external to Prisma
-- (scripts/lib/migrations.ts), as NodeSearch is, so drift checks ignore it. Text compares byte by
-- byte (COLLATE "C"), as in every table.
CREATE TABLE "RunBrief" (
    "nodeId" INTEGER NOT NULL,
    "jobKey" TEXT COLLATE "C" NOT NULL,
    "state" TEXT COLLATE "C" NOT NULL,
    "startedAt" TEXT COLLATE "C",
    "endedAt" TEXT COLLATE "C",
    CONSTRAINT "RunBrief_pkey" PRIMARY KEY ("nodeId")
);

-- Statement-level triggers with transition tables: the projection writes runs many to a statement,
-- so each statement pays one set-based write here, not a function call a row. An update rewrites a
-- brief only when one of its columns changed (most updates of a run change its facets alone).
CREATE FUNCTION "RunBrief_keep"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "RunBrief" ("nodeId", "jobKey", "state", "startedAt", "endedAt")
    SELECT "nodeId", "jobKey", "state", "startedAt", "endedAt" FROM "RunBrief_new";
  ELSIF TG_OP = 'UPDATE' THEN
    UPDATE "RunBrief" b SET "jobKey" = n."jobKey", "state" = n."state", "startedAt" = n."startedAt", "endedAt" = n."endedAt"
    FROM "RunBrief_new" n
    WHERE b."nodeId" = n."nodeId"
      AND (b."jobKey", b."state", b."startedAt", b."endedAt") IS DISTINCT FROM (n."jobKey", n."state", n."startedAt", n."endedAt");
  ELSIF TG_OP = 'DELETE' THEN
    DELETE FROM "RunBrief" b USING "RunBrief_old" o WHERE b."nodeId" = o."nodeId";
  ELSE
    TRUNCATE "RunBrief";
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "RunBrief_insert" AFTER INSERT ON "Run" REFERENCING NEW TABLE AS "RunBrief_new"
  FOR EACH STATEMENT EXECUTE FUNCTION "RunBrief_keep"();
CREATE TRIGGER "RunBrief_update" AFTER UPDATE ON "Run" REFERENCING NEW TABLE AS "RunBrief_new"
  FOR EACH STATEMENT EXECUTE FUNCTION "RunBrief_keep"();
CREATE TRIGGER "RunBrief_delete" AFTER DELETE ON "Run" REFERENCING OLD TABLE AS "RunBrief_old"
  FOR EACH STATEMENT EXECUTE FUNCTION "RunBrief_keep"();
CREATE TRIGGER "RunBrief_truncate" AFTER TRUNCATE ON "Run"
  FOR EACH STATEMENT EXECUTE FUNCTION "RunBrief_keep"();

-- The runs already stored (one pass over Run: about 350,000 rows at 1M edges take seconds).
INSERT INTO "RunBrief" ("nodeId", "jobKey", "state", "startedAt", "endedAt")
SELECT "nodeId", "jobKey", "state", "startedAt", "endedAt" FROM "Run";
