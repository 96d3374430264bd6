// Builds the weapp bundle once before the weapp tests when it is missing (scripts/test.sh builds it first).
import { ensureWeappBuild } from './harness';

export default function globalSetup(): void {
  ensureWeappBuild();
}
