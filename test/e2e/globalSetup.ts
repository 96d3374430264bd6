// Builds the H5 app once before the e2e tests when it is missing (scripts/test.sh builds it first).
import { ensureH5Build } from './build';

export default function globalSetup(): void {
  ensureH5Build();
}
