const path = require('path');
const { task, src, dest } = require('gulp');

// tsc compiles only TypeScript; n8n loads node and credential icons from dist/ beside the compiled classes.
task('build:icons', () =>
	src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], { encoding: false, base: '.' }).pipe(
		dest(path.resolve('dist')),
	),
);
