package dev.flynn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FlynnVersionTest {
    @Test
    void theBuildFillsInTheProjectVersionAndTheCommit() {
        FlynnVersion v = FlynnVersion.current();
        // the surefire configuration passes the POM's version independently of the filtered resource
        assertEquals(System.getProperty("flynn.test.project.version"), v.version());
        assertTrue(v.commit().matches("[0-9a-f]{7,}|unknown"), v.commit());
        assertTrue(v.toString().startsWith(v.version() + " (" + v.commit()), v.toString());
    }

    @Test
    void dirtyBuildsSaySo() {
        assertEquals("1.0 (abcdef0-dirty)", new FlynnVersion("1.0", "abcdef0", true).toString());
        assertEquals("1.0 (abcdef0)", new FlynnVersion("1.0", "abcdef0", false).toString());
    }
}
