/**
 * The single Pantau table, built from the same TABLE_DEFINITION the local runtime hands to
 * DynamoDB Local, so key names, indexes, stream view and TTL cannot drift between the two.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLE_DEFINITION } from '../../lib/storage/table-definition.ts';
import type { DeploymentConfig } from '../config.ts';

interface DataTableProps {
  readonly config: DeploymentConfig;
}

class DataTable extends Construct {
  readonly table: dynamodb.Table;
  /** Present only when the stage asks for customer-managed encryption. */
  readonly key?: kms.Key;

  constructor(scope: Construct, id: string, props: DataTableProps) {
    super(scope, id);
    const { config } = props;
    const d = TABLE_DEFINITION;
    if (config.tableEncryption === 'customer-kms') {
      this.key = new kms.Key(this, 'Key', {
        description: `Pantau ${config.stage} table encryption`,
        enableKeyRotation: true,
        removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
    }
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: d.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: d.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      stream: dynamodb.StreamViewType[d.streamViewType],
      timeToLiveAttribute: d.timeToLiveAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: config.retainData,
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      ...(this.key
        ? { encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: this.key }
        : { encryption: dynamodb.TableEncryption.DEFAULT }),
    });
    for (const gsi of d.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: { name: gsi.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: gsi.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }
}

export type { DataTableProps };
export { DataTable };
