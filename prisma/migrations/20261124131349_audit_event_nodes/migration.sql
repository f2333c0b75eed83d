-- EventNode is a projection table: on a store that already holds events, run `npm run rebuild` once
-- after this migration so the audit log's node filters and exports see the older events too.
-- CreateTable
CREATE TABLE "EventNode" (
    "seq" INTEGER NOT NULL,
    "nodeId" INTEGER NOT NULL,

    PRIMARY KEY ("seq", "nodeId")
);

-- CreateIndex
CREATE INDEX "EventNode_nodeId_seq_idx" ON "EventNode"("nodeId", "seq");

-- CreateIndex
CREATE INDEX "Event_eventTime_idx" ON "Event"("eventTime");
