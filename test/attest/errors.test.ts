import t from 'tap';
import { SealgateError, isSealgateError } from '../../attest/index.js';

t.test('a sealgate error carries its code, message and cause', (t) => {
  const cause = new Error('inner');
  const err = new SealgateError('SOME_CODE', 'one line', { cause });
  t.equal(err.code, 'SOME_CODE');
  t.equal(err.message, 'one line');
  t.equal(err.cause, cause);
  t.equal(err.name, 'SealgateError');
  t.ok(isSealgateError(err, 'SOME_CODE'));
  t.notOk(isSealgateError(err, 'OTHER'));
  t.notOk(isSealgateError(new Error('plain')));
  t.end();
});
