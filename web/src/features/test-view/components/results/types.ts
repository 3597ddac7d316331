import type { Engine } from '../../../../lib/api/types';
import type { TestResult, TestView } from '../../api/queries';

/** What every per-engine result view receives. */
export interface ResultProps {
  test: TestView;
  result: TestResult;
  /** The engine as GET /api/engines describes it (metric units), when known. */
  engine: Engine | undefined;
}
