import { UserError } from '../../errors.js';
import type { GlobalOptions } from '../globals.js';

export async function run(_opts: Record<string, any>, _globals: GlobalOptions, _args: string[]): Promise<number> {
  throw new UserError('deploy-wizard report: not built yet');
}
