/**
 * The one table definition. The CDK stack (infra/constructs/data-table.ts) and the local runtime
 * (CreateTable against DynamoDB Local) both read it, so the two runtimes cannot drift apart.
 */
export interface TableDefinition {
  partitionKey: string;
  sortKey: string;
  /** Global secondary indexes; every one projects all attributes. */
  globalSecondaryIndexes: { indexName: string; partitionKey: string; sortKey: string }[];
  timeToLiveAttribute: string;
  streamViewType: 'NEW_AND_OLD_IMAGES';
}

const TABLE_DEFINITION: TableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  globalSecondaryIndexes: [{ indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
  timeToLiveAttribute: 'ttl',
  streamViewType: 'NEW_AND_OLD_IMAGES',
};

/** The CreateTable input for DynamoDB Local (and any SDK-created table). */
function createTableInput(tableName: string) {
  const d = TABLE_DEFINITION;
  const attrs = new Set<string>([d.partitionKey, d.sortKey]);
  for (const g of d.globalSecondaryIndexes) {
    attrs.add(g.partitionKey);
    attrs.add(g.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...attrs].map((name) => ({
      AttributeName: name,
      AttributeType: 'S' as const,
    })),
    KeySchema: [
      { AttributeName: d.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: d.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: d.globalSecondaryIndexes.map((g) => ({
      IndexName: g.indexName,
      KeySchema: [
        { AttributeName: g.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: g.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: d.streamViewType },
  };
}

/**
 * Event-source filters, shared by the CDK event source mappings and the local stream poller.
 * Lambda filter syntax: https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 */
const SCORE_FILTER = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { entityType: { S: ['mention'] } } },
};

const DETECT_FILTER = {
  eventName: ['INSERT', 'MODIFY'],
  dynamodb: { NewImage: { entityType: { S: ['bucket'] }, width: { S: ['5m'] } } },
};

export { createTableInput, DETECT_FILTER, SCORE_FILTER, TABLE_DEFINITION };
