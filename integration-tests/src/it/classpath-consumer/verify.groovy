// The consumer ran Flynn's SIMD backend from the just-built artifacts and got the Java loop's bits.
def log = new File(basedir, 'build.log').text
def version = projectVersion
assert log.contains("flynn ${version} from module unnamed") : "expected flynn ${version} from module unnamed"
assert log.contains('backend: simd') : 'expected the SIMD backend to have run'
assert log.contains('elements differing from the Java loop: 0 of 1003') : 'SIMD result differs from the Java loop'
return true
