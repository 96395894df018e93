/**
 * Collects every cdk-nag acknowledgement recorded with `Validations.of(x).acknowledge()` in a
 * construct tree, so tests can list them and check that each carries a reason.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

function collectAcknowledgements(root: IConstruct): Acknowledgement[] {
  const found: Acknowledgement[] = [];
  for (const node of root.node.findAll()) {
    for (const entry of node.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      for (const [key, value] of Object.entries(entry.data as Record<string, unknown>)) {
        const reason = typeof value === 'string' ? value : JSON.stringify(value);
        found.push({ path: node.node.path, id: key.replace(/^[A-Za-z]+::/, ''), reason });
      }
    }
  }
  return found;
}

export type { Acknowledgement };
export { collectAcknowledgements };
