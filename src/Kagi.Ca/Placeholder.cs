namespace Kagi.Ca;
