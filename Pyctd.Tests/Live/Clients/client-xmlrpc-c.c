/* pyctd serve driven by xmlrpc-c's C client library (Debian libxmlrpc-core-c3-dev; Debian ships
 * no `xmlrpc` command line). Compiled by the test with xmlrpc-c-config. See README.md for the
 * steps and output. xmlrpc-c refuses responses over 512 KiB by default, so the whole-table view
 * asks for the id field only (view's 7th parameter). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xmlrpc-c/base.h>
#include <xmlrpc-c/client.h>

static xmlrpc_env env;
static const char *url;

static void check(const char *what) {
    if (env.fault_occurred) {
        fprintf(stderr, "%s: fault %d: %s\n", what, env.fault_code, env.fault_string);
        exit(1);
    }
}

static void print_value(xmlrpc_value *value) {
    switch (xmlrpc_value_type(value)) {
    case XMLRPC_TYPE_INT: { int n; xmlrpc_read_int(&env, value, &n); printf("%d", n); break; }
    case XMLRPC_TYPE_I8: { xmlrpc_int64 n; xmlrpc_read_i8(&env, value, &n); printf("%" PRId64, (int64_t)n); break; }
    case XMLRPC_TYPE_DOUBLE: { double d; xmlrpc_read_double(&env, value, &d); printf("%.0f", d); break; }
    case XMLRPC_TYPE_BOOL: { xmlrpc_bool b; xmlrpc_read_bool(&env, value, &b); printf("%s", b ? "true" : "false"); break; }
    case XMLRPC_TYPE_STRING: { const char *s; xmlrpc_read_string(&env, value, &s); printf("%s", s); free((void *)s); break; }
    case XMLRPC_TYPE_ARRAY: {
        int size = xmlrpc_array_size(&env, value);
        for (int i = 0; i < size; i++) {
            xmlrpc_value *item;
            xmlrpc_array_read_item(&env, value, i, &item);
            if (i > 0) putchar(',');
            print_value(item);
            xmlrpc_DECREF(item);
        }
        break;
    }
    default: printf("type%d", (int)xmlrpc_value_type(value));
    }
    check("reading a value");
}

static void print_row(const char *prefix, xmlrpc_value *page) {
    xmlrpc_value *connections, *row;
    xmlrpc_struct_find_value(&env, page, "connections", &connections);
    check("connections");
    xmlrpc_array_read_item(&env, connections, 0, &row);
    check("a row");
    int size = xmlrpc_struct_size(&env, row);
    for (int i = 0; i < size; i++) {
        xmlrpc_value *key, *value;
        const char *name;
        xmlrpc_struct_read_member(&env, row, i, &key, &value);
        xmlrpc_read_string(&env, key, &name);
        printf("%s.%s=", prefix, name);
        print_value(value);
        putchar('\n');
        free((void *)name);
        xmlrpc_DECREF(key);
        xmlrpc_DECREF(value);
    }
    xmlrpc_DECREF(row);
    xmlrpc_DECREF(connections);
}

static void print_member(const char *line, xmlrpc_value *result, const char *member) {
    xmlrpc_value *value;
    xmlrpc_struct_find_value(&env, result, member, &value);
    check(member);
    printf("%s=", line);
    print_value(value);
    putchar('\n');
    xmlrpc_DECREF(value);
}

int main(void) {
    url = getenv("PYCTD_URL");
    const char *target = getenv("TARGET_ID");
    xmlrpc_env_init(&env);
    xmlrpc_client_init2(&env, XMLRPC_CLIENT_NO_FLAGS, "pyctd-test", "1", NULL, 0);
    check("client init");

    xmlrpc_value *result = xmlrpc_client_call(&env, url, "login", "(ss)", getenv("PYCTD_USER"), getenv("PYCTD_PASSWORD"));
    check("login");
    const char *session;
    xmlrpc_read_string(&env, result, &session);
    xmlrpc_DECREF(result);

    result = xmlrpc_client_call(&env, url, "view", "(s{}ssii(s))", session, "id", "ASC", 0, 0, "id");
    check("view without filters");
    print_member("total", result, "total");
    xmlrpc_DECREF(result);

    result = xmlrpc_client_call(&env, url, "view", "(s{s:s,s:i})", session, "proto", "tcp", "orig_port_src", atoi(getenv("BIG_PORT")));
    check("view of the big flow");
    print_row("row", result);
    xmlrpc_DECREF(result);

    result = xmlrpc_client_call(&env, url, "change", "(ssss)", session, "mark", target, "3000000000");
    check("change mark");
    printf("change_mark="); print_value(result); putchar('\n');
    xmlrpc_DECREF(result);
    result = xmlrpc_client_call(&env, url, "change", "(sssi)", session, "timeout", target, atoi(getenv("TIMEOUT")));
    check("change timeout");
    printf("change_timeout="); print_value(result); putchar('\n');
    xmlrpc_DECREF(result);

    result = xmlrpc_client_call(&env, url, "view", "(s{s:s}ssii(ssss))", session, "id", target, "id", "ASC", 0, 0, "id", "mark", "timeout", "status");
    check("view of the target");
    print_row("target", result);
    xmlrpc_DECREF(result);

    result = xmlrpc_client_call(&env, url, "kill", "(s(s))", session, getenv("KILL_ID"));
    check("kill");
    printf("killed="); print_value(result); putchar('\n');
    xmlrpc_DECREF(result);

    result = xmlrpc_client_call(&env, url, "view", "(s)", "no-such-session");
    printf("fault=%d\n", env.fault_occurred ? env.fault_code : 0);
    if (!env.fault_occurred) xmlrpc_DECREF(result);

    free((void *)session);
    xmlrpc_env_clean(&env);
    xmlrpc_client_cleanup();
    return 0;
}
