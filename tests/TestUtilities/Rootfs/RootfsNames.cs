namespace SystemImage.TestUtilities.Rootfs;

/// <summary>Names that look like a Linux root file system's.</summary>
internal static class RootfsNames
{
    public static readonly string[] Words =
    [
        "alsa", "apparmor", "apt", "audio", "avahi", "base", "bash", "bluez", "boot", "bus", "cache", "camera", "certs", "client",
        "color", "common", "config", "core", "cron", "crypt", "cups", "daemon", "data", "dbus", "debconf", "default", "desktop",
        "device", "dhcp", "dict", "display", "doc", "dpkg", "engine", "event", "extra", "fonts", "gio", "glib", "gnome", "gpg",
        "graphics", "gtk", "hal", "hook", "icons", "image", "init", "input", "kernel", "keys", "lang", "launcher", "libc",
        "locale", "lock", "logind", "lomiri", "mail", "media", "mesa", "mir", "modem", "modules", "mount", "net", "network",
        "ofono", "oxide", "pam", "perl", "phone", "plugin", "policy", "power", "profile", "proxy", "pulse", "python", "qml",
        "qt", "queue", "radio", "rules", "runtime", "schema", "security", "sensor", "session", "shell", "signal", "sound",
        "spool", "ssl", "state", "storage", "sync", "system", "systemd", "telephony", "theme", "timezone", "touch", "udev",
        "ui", "update", "upstart", "usb", "user", "util", "video", "wayland", "webkit", "wifi", "window", "xdg", "zone",
    ];

    public static readonly string[] Extensions =
    [
        "", "", "", ".conf", ".so", ".so.1", ".so.0.2.0", ".py", ".pyc", ".txt", ".json", ".xml", ".qml", ".mo", ".png",
        ".svg", ".list", ".md5sums", ".service", ".rules", ".pem", ".gz", ".h", ".desktop", ".ini",
    ];

    /// <summary>The fixed top of the tree: directories and the usr-merge symlinks every build has.</summary>
    public static readonly string[] SkeletonDirectories =
    [
        "etc", "etc/default", "etc/init", "etc/ssl", "etc/ssl/certs", "usr", "usr/bin", "usr/sbin", "usr/lib",
        "usr/lib/arm-linux-gnueabihf", "usr/lib/python3", "usr/share", "usr/share/doc", "usr/share/locale",
        "usr/share/icons", "usr/share/fonts", "var", "var/lib", "var/lib/dpkg", "var/log", "var/cache", "var/spool",
        "dev", "run", "home", "home/phablet", "root", "opt", "srv", "srv/www", "tmp",
    ];

    public static string Word(Random random) => Words[random.Next(Words.Length)];

    public static string FileName(Random random) => random.Next(6) switch
    {
        0 => $"lib{Word(random)}{Extensions[random.Next(4, 7)]}",
        1 => $"{Word(random)}-{Word(random)}{Extensions[random.Next(Extensions.Length)]}",
        2 => $"{Word(random)}{random.Next(100)}{Extensions[random.Next(Extensions.Length)]}",
        _ => $"{Word(random)}{Extensions[random.Next(Extensions.Length)]}",
    };

    public static string DirectoryName(Random random) => random.Next(4) switch
    {
        0 => $"{Word(random)}-{Word(random)}",
        1 => $"lib{Word(random)}{random.Next(1, 4)}",
        _ => Word(random),
    };

    /// <summary>A name of about <paramref name="length"/> characters, for paths past the 100-byte ustar field.</summary>
    public static string LongName(Random random, int length)
    {
        var name = Word(random);
        while (name.Length < length)
        {
            name += (random.Next(3) == 0 ? "_" : "-") + Word(random);
        }

        return name[..length];
    }
}
