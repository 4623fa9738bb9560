import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Environment } from '../../lib/core/environment.js';
import { collectProblems } from '../../lib/core/problems.js';
import { Platform } from '../../lib/platform/platform.js';

/** Issue 26, defect 9 (the Platform's part): at least one environment, an output path inside the repository. */
describe('Platform props', () => {
  it('GIVEN environments: [] WHEN constructed THEN it is a problem at the platform, not an empty tree and exit 0', () => {
    const app = new App();
    new Platform(app, 'shop', { environments: [] });
    expect(collectProblems(app)).toEqual([expect.objectContaining({ location: 'shop', field: 'environments', message: expect.stringContaining('is empty') })]);
  });

  for (const outputPath of ['../../escape', '/etc', 'dist/../../x', '', 'C:\\dist']) {
    it(`GIVEN outputPath ${JSON.stringify(outputPath)} WHEN constructed THEN it is a problem naming the field`, () => {
      const app = new App();
      new Platform(app, 'shop', { environments: [Environment.dev()], outputPath });
      expect(collectProblems(app)).toEqual([expect.objectContaining({ location: 'shop', field: 'outputPath', value: outputPath })]);
    });
  }

  it('GIVEN outputPath deploy/dist WHEN constructed THEN no problem', () => {
    const app = new App();
    new Platform(app, 'shop', { environments: [Environment.dev()], outputPath: 'deploy/dist' });
    expect(collectProblems(app)).toEqual([]);
  });
});
