// Marks one version requirement of an ELF shared object as weak (VER_FLG_WEAK), so the dynamic
// loader accepts a host library that lacks that version. Used on the build-output copy of
// TorchSharp's libLibTorchSharp.so, which asks for GLIBCXX_3.4.32 for one unused symbol
// (std::ios_base_library_init) that Debian 12's libstdc++ does not have.
// Compiled twice: as an MSBuild inline task (build/GlibcxxFix.targets) and into the tests.
using System;
using System.IO;
using System.Text;

namespace NnRnn.Build
{
    public static class ElfVersionNeedPatcher
    {
        const uint ShtGnuVerneed = 0x6ffffffe;
        const ushort VerFlgWeak = 0x2;

        /// <summary>Result of a patch attempt.</summary>
        public enum Outcome { Patched, AlreadyWeak, NotReferenced }

        /// <summary>True when the file (a libstdc++) defines the version string, e.g. GLIBCXX_3.4.32.</summary>
        public static bool DefinesVersion(string libraryPath, string version)
        {
            var needle = Encoding.ASCII.GetBytes(version + "\0");
            var bytes = File.ReadAllBytes(libraryPath);
            return IndexOf(bytes, needle) >= 0;
        }

        /// <summary>Reads the flags of the Vernaux entry naming <paramref name="version"/>; null when absent.</summary>
        public static ushort? ReadFlags(string path, string version)
        {
            var bytes = File.ReadAllBytes(path);
            var at = FindVernaux(bytes, version);
            return at < 0 ? null : BitConverter.ToUInt16(bytes, at + 4);
        }

        /// <summary>
        /// Sets VER_FLG_WEAK on the Vernaux entry naming <paramref name="version"/>. Writes a new file
        /// and renames it over the old one, so a hard link to a shared copy is never modified.
        /// </summary>
        public static Outcome MarkWeak(string path, string version)
        {
            var bytes = File.ReadAllBytes(path);
            var at = FindVernaux(bytes, version);
            if (at < 0) return Outcome.NotReferenced;
            var flags = BitConverter.ToUInt16(bytes, at + 4);
            if ((flags & VerFlgWeak) != 0) return Outcome.AlreadyWeak;
            // Copy (keeps the file mode), patch the copy, then replace the original's directory entry.
            var tmp = path + ".patching";
            File.Copy(path, tmp, true);
            using (var f = new FileStream(tmp, FileMode.Open, FileAccess.Write))
            {
                f.Position = at + 4;
                var patched = BitConverter.GetBytes((ushort)(flags | VerFlgWeak));
                f.Write(patched, 0, patched.Length);
            }
            File.Delete(path);
            File.Move(tmp, path);
            return Outcome.Patched;
        }

        // Returns the file offset of the Elf64_Vernaux whose name is `version`, or -1.
        static int FindVernaux(byte[] b, string version)
        {
            if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F')
                throw new InvalidDataException("not an ELF file");
            if (b[4] != 2 || b[5] != 1)
                throw new InvalidDataException("only 64-bit little-endian ELF is supported");
            long shoff = BitConverter.ToInt64(b, 0x28);
            int shentsize = BitConverter.ToUInt16(b, 0x3A);
            int shnum = BitConverter.ToUInt16(b, 0x3C);
            for (int i = 0; i < shnum; i++)
            {
                int sh = checked((int)(shoff + (long)i * shentsize));
                if (BitConverter.ToUInt32(b, sh + 4) != ShtGnuVerneed) continue;
                long offset = BitConverter.ToInt64(b, sh + 0x18);
                int link = (int)BitConverter.ToUInt32(b, sh + 0x28);
                long entries = BitConverter.ToUInt32(b, sh + 0x2C); // sh_info = number of Verneed entries
                int strSh = checked((int)(shoff + (long)link * shentsize));
                long strOff = BitConverter.ToInt64(b, strSh + 0x18);
                long need = offset;
                for (long n = 0; n < entries; n++)
                {
                    int cnt = BitConverter.ToUInt16(b, (int)need + 2);
                    long aux = need + BitConverter.ToUInt32(b, (int)need + 8);
                    for (int k = 0; k < cnt; k++)
                    {
                        long name = strOff + BitConverter.ToUInt32(b, (int)aux + 8);
                        if (CStringEquals(b, name, version)) return (int)aux;
                        aux += BitConverter.ToUInt32(b, (int)aux + 12);
                    }
                    uint next = BitConverter.ToUInt32(b, (int)need + 12);
                    if (next == 0) break;
                    need += next;
                }
            }
            return -1;
        }

        static bool CStringEquals(byte[] b, long at, string s)
        {
            for (int i = 0; i < s.Length; i++)
                if (at + i >= b.Length || b[at + i] != (byte)s[i]) return false;
            return at + s.Length < b.Length && b[at + s.Length] == 0;
        }

        static int IndexOf(byte[] hay, byte[] needle)
        {
            for (int i = 0; i + needle.Length <= hay.Length; i++)
            {
                int k = 0;
                while (k < needle.Length && hay[i + k] == needle[k]) k++;
                if (k == needle.Length) return i;
            }
            return -1;
        }
    }
}

#if !NNRNN_NO_MSBUILD_TASK
namespace NnRnn.Build
{
    /// <summary>MSBuild task: weakens the version requirement in each library when the host lacks it.</summary>
    public class MarkGlibcxxWeak : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required] public Microsoft.Build.Framework.ITaskItem[] Libraries { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();
        [Microsoft.Build.Framework.Required] public string Version { get; set; } = "";
        [Microsoft.Build.Framework.Required] public string HostLibStdCxx { get; set; } = "";

        public override bool Execute()
        {
            if (ElfVersionNeedPatcher.DefinesVersion(HostLibStdCxx, Version))
                return true; // host is new enough: leave the library as shipped
            foreach (var item in Libraries)
            {
                var outcome = ElfVersionNeedPatcher.MarkWeak(item.ItemSpec, Version);
                if (outcome == ElfVersionNeedPatcher.Outcome.Patched)
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                        $"nnrnn: marked {Version} weak in {item.ItemSpec} (host libstdc++ lacks it)");
            }
            return true;
        }
    }
}
#endif
