import { UserError } from '../../errors.js';
import type { GlobalOptions } from '../globals.js';

type Opts = Record<string, any>;
const notYet = async (_o: Opts, _g: GlobalOptions, _a: string[]): Promise<number> => {
  throw new UserError('deploy-wizard: the interactive wizard is not built yet');
};
export const runStart = notYet;
export const runResume = notYet;
export const runJoin = notYet;
export const runDefault = notYet;
