// Builds the H5 app and the back office once before the e2e tests when missing (scripts/test.sh builds them first).
import { ensureAdminBuild, ensureH5Build } from './build';

export default function globalSetup(): void {
  ensureH5Build();
  ensureAdminBuild();
}
